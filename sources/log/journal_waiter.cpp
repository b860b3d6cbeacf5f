#include "sources/log/journal_waiter.h"

#include <systemd/sd-journal.h>
#include <time.h>

#include <system_error>

#include "sources/log/journal_reader.h"

namespace vigil {

struct JournalWaiter::Handle {
  sd_journal* j = nullptr;
  int fd = -1;
  ~Handle() {
    if (j != nullptr) sd_journal_close(j);
  }
};

namespace {

void AtTail(sd_journal* j) {
  if (sd_journal_seek_tail(j) >= 0) sd_journal_previous(j);
}

}  // namespace

JournalWaiter::JournalWaiter(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
JournalWaiter::~JournalWaiter() = default;

Result<std::unique_ptr<JournalWaiter>> JournalWaiter::Open(const LogWatcherSpec& spec) {
  if (!spec.journal) return Status::Error("log watcher " + spec.name + " does not read the journal");
  const std::string& dir = spec.journal->directory;
  auto h = std::make_unique<Handle>();
  int r = dir.empty() ? sd_journal_open(&h->j, SD_JOURNAL_LOCAL_ONLY) : sd_journal_open_directory(&h->j, dir.c_str(), 0);
  if (r < 0) h->j = nullptr;
  // The fd is asked for at once, as sd_journal_get_fd(3) advises: files opened before it are watched too.
  if (r >= 0) r = h->fd = sd_journal_get_fd(h->j);
  if (r < 0) {
    return Status::Error("cannot watch the journal" + (dir.empty() ? "" : " in " + dir) + ": " +
                         std::error_code(-r, std::generic_category()).message());
  }
  // With the watcher's matches, placed after the last entry they select: Changed() then asks
  // whether a new entry of this watcher's came, not whether anything at all was journalled.
  if (Status s = AddJournalMatches(h->j, spec.journal->matches); !s.ok()) return s;
  AtTail(h->j);
  return std::unique_ptr<JournalWaiter>(new JournalWaiter(std::move(h)));
}

int JournalWaiter::fd() const { return handle_->fd; }

bool JournalWaiter::Changed() {
  int r = sd_journal_process(handle_->j);
  if (r < 0) return true;  // cannot tell: let a pass look
  // Also on SD_JOURNAL_NOP: the fallback check asks here when a notification may have been missed.
  // One step says whether an entry of the watcher's came; then back to the end, so a burst costs
  // one step, not one per entry, and entries of other units never ask for a pass.
  if (sd_journal_next(handle_->j) <= 0) return false;
  AtTail(handle_->j);
  return true;
}

std::chrono::milliseconds JournalWaiter::Timeout() const {
  uint64_t until = 0;
  if (sd_journal_get_timeout(handle_->j, &until) < 0 || until == UINT64_MAX) return std::chrono::milliseconds(-1);
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
  return std::chrono::milliseconds(until > now ? (until - now + 999) / 1000 : 0);
}

}  // namespace vigil

#include "sources/log/journal_reader.h"

#include <systemd/sd-journal.h>

#include <cstdlib>
#include <system_error>

#include "common/utf8_cut.h"
#include "sources/log/log_records.h"

namespace vigil {
namespace {

constexpr size_t kMaxFieldBytes = 256;

std::string Why(int r) { return std::error_code(-r, std::generic_category()).message(); }

// Bytes from the journal as text to store: NUL and what is not UTF-8 become U+FFFD, then cut.
std::string Storable(std::string_view raw, size_t max_bytes) {
  std::string text;
  text.reserve(std::min(raw.size(), max_bytes + 3));
  for (char c : raw.substr(0, max_bytes * 2)) {
    if (c == '\0') text += "\uFFFD";
    else text.push_back(c);
  }
  if (!IsUtf8(text)) text = ValidUtf8(text);
  TruncateUtf8(text, max_bytes);
  return text;
}

std::string Field(sd_journal* j, const char* name, size_t max_bytes) {
  const void* data = nullptr;
  size_t length = 0;
  if (sd_journal_get_data(j, name, &data, &length) < 0) return "";
  std::string_view all(static_cast<const char*>(data), length);
  size_t prefix = std::string_view(name).size() + 1;  // "NAME="
  return all.size() < prefix ? "" : Storable(all.substr(prefix), max_bytes);
}

std::string CurrentCursor(sd_journal* j) {
  char* c = nullptr;
  if (sd_journal_get_cursor(j, &c) < 0 || c == nullptr) return "";
  std::string out(c);
  std::free(c);
  return out;
}

JournalEntry CurrentEntry(sd_journal* j) {
  JournalEntry e;
  e.cursor = CurrentCursor(j);
  e.message = Field(j, "MESSAGE", kMaxRecordBytes);
  e.unit = Field(j, "_SYSTEMD_UNIT", kMaxFieldBytes);
  e.pid = Field(j, "_PID", kMaxFieldBytes);
  e.priority = Field(j, "PRIORITY", kMaxFieldBytes);
  e.hostname = Field(j, "_HOSTNAME", kMaxFieldBytes);
  e.identifier = Field(j, "SYSLOG_IDENTIFIER", kMaxFieldBytes);
  uint64_t usec = 0;
  if (sd_journal_get_realtime_usec(j, &usec) >= 0) e.realtime_us = static_cast<int64_t>(usec);
  return e;
}

// Whether the journal holds the entry of `cursor`, looked for with no match in place.
bool Holds(sd_journal* j, const std::string& cursor) {
  sd_journal_flush_matches(j);
  if (sd_journal_seek_cursor(j, cursor.c_str()) < 0 || sd_journal_next(j) <= 0) return false;
  return sd_journal_test_cursor(j, cursor.c_str()) > 0;
}


}  // namespace

Status AddJournalMatches(sd_journal* j, const std::vector<std::string>& matches) {
  sd_journal_flush_matches(j);
  for (const auto& m : matches) {
    int r = sd_journal_add_match(j, m.data(), m.size());
    if (r < 0) return Status::Error("journal match \"" + m + "\": " + Why(r));
  }
  return Status::Ok();
}

struct JournalReader::Handle {
  sd_journal* j = nullptr;
  std::vector<std::string> matches;
  ~Handle() {
    if (j != nullptr) sd_journal_close(j);
  }
};

JournalReader::JournalReader(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
JournalReader::~JournalReader() = default;

Result<std::unique_ptr<JournalReader>> JournalReader::Open(const JournalSpec& spec) {
  auto h = std::make_unique<Handle>();
  int r = spec.directory.empty() ? sd_journal_open(&h->j, SD_JOURNAL_LOCAL_ONLY)
                                 : sd_journal_open_directory(&h->j, spec.directory.c_str(), 0);
  if (r < 0) {
    h->j = nullptr;
    return Status::Error("cannot open the journal" + (spec.directory.empty() ? "" : " in " + spec.directory) + ": " + Why(r));
  }
  // sd_journal_open skips files it may not read: with none at all, say why rather than read nothing.
  if (spec.directory.empty() && sd_journal_has_persistent_files(h->j) <= 0 && sd_journal_has_runtime_files(h->j) <= 0)
    return Status::Error("no system journal file could be opened: journald keeps none, or vigil may not read them "
                         "(it needs the group systemd-journal: docs/watchers-log.md, the journal drop-in)");
  sd_journal_set_data_threshold(h->j, kMaxRecordBytes + 64);
  h->matches = spec.matches;
  if (Status s = AddJournalMatches(h->j, h->matches); !s.ok()) return s;
  return std::unique_ptr<JournalReader>(new JournalReader(std::move(h)));
}

Result<JournalRead> JournalReader::Read(const JournalReadOptions& options) {
  sd_journal* j = handle_->j;
  JournalRead out;
  bool positioned = false;  // the journal stands on an entry still to be read
  bool held = options.cursor && !options.cursor->empty() && Holds(j, *options.cursor);
  if (Status s = AddJournalMatches(j, handle_->matches); !s.ok()) return s;
  int r = 0;
  if (held) {
    r = sd_journal_seek_cursor(j, options.cursor->c_str());
    if (r >= 0) r = sd_journal_next(j);
    // Its own entry was read before; one the matches skip to is the first to read.
    positioned = r > 0 && sd_journal_test_cursor(j, options.cursor->c_str()) <= 0;
  } else if (!options.cursor && options.start_at_end) {
    r = sd_journal_seek_tail(j);
    if (r >= 0) r = sd_journal_previous(j);
    if (r > 0) out.tail_cursor = CurrentCursor(j);
    if (r < 0) return Status::Error("reading the journal: " + Why(r));
    return out;
  } else {
    out.cursor_lost = options.cursor && !options.cursor->empty();
    r = sd_journal_seek_head(j);
  }
  if (r < 0) return Status::Error("reading the journal: " + Why(r));
  while (out.entries.size() < options.budget) {
    if (!positioned) {
      r = sd_journal_next(j);
      if (r < 0) return Status::Error("reading the journal: " + Why(r));
      if (r == 0) return out;
    }
    positioned = false;
    out.entries.push_back(CurrentEntry(j));
  }
  out.more = true;
  return out;
}

std::string JournalEntryId(const std::string& cursor) {
  std::string s, i;
  size_t pos = 0;
  while (pos <= cursor.size()) {
    size_t end = cursor.find(';', pos);
    if (end == std::string::npos) end = cursor.size();
    std::string_view part(cursor.data() + pos, end - pos);
    if (part.starts_with("s=")) s = part.substr(2);
    if (part.starts_with("i=")) i = part.substr(2);
    pos = end + 1;
  }
  return s.empty() || i.empty() ? cursor : s + ":" + i;
}

}  // namespace vigil

#include "jobs/watch/journal_pass.h"

#include <spdlog/spdlog.h>

#include "sources/log/journal_reader.h"
#include "sources/log/journal_records.h"
#include "sources/log/log_event.h"
#include "sources/log/log_tailer.h"
#include "store/journal_cursor_repo.h"
#include "store/log_offset_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

TimePoint EntryTime(const JournalEntry& e) { return TimePoint(std::chrono::microseconds(e.realtime_us)); }

// The records of a read. A multi-line record at the end of the journal is complete once no entry
// has followed it for the watcher's flush_after; one longer than the whole budget is taken as it stands.
JournalRecords Records(const LogWatcherSpec& spec, const JournalRead& read, TimePoint now) {
  const auto& entries = read.entries;
  bool idle = !read.more && !entries.empty() && now - EntryTime(entries.back()) >= spec.flush_after;
  JournalRecords joined = JoinJournalEntries(entries, spec.start.get(), idle);
  if (joined.records.empty() && read.more) joined = JoinJournalEntries(entries, spec.start.get(), true);
  return joined;
}

// Where the next pass starts: after the last record stored; with none, where the read began
// ("" for the oldest entry when the cursor was lost, the last entry on a first read at the end).
std::string NextCursor(const std::optional<std::string>& stored, const JournalRead& read, const JournalRecords& joined) {
  if (!joined.records.empty()) return joined.records.back().last_cursor;
  if (read.cursor_lost || !stored) return read.tail_cursor;
  return *stored;
}

}  // namespace

Result<LogTailOutcome> RunJournalPass(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community,
                                      RuleRateLimiter& limiter, TimePoint now, const JournalPassOptions& options) {
  LogTailOutcome outcome;
  std::string lost;  // the cursor the journal no longer held
  Status s = InTransaction(db, /*immediate=*/true, [&]() -> Status {
    outcome = {};
    lost.clear();
    if (Status locked = LockLogWatcher(db, spec.name); !locked.ok()) return locked;
    auto stored = LoadJournalCursor(db, spec.name);
    if (!stored.ok()) return stored.status();
    auto reader = JournalReader::Open(*spec.journal);
    if (!reader.ok()) return reader.status();
    auto read = (*reader)->Read({*stored, spec.start_at_end, options.budget});
    if (!read.ok()) return read.status();
    if (read->cursor_lost) lost = **stored;
    JournalRecords joined = Records(spec, *read, now);
    std::vector<Event> events;
    for (const auto& r : joined.records) {
      if (auto m = AllowedMatch(spec, r.text, limiter, now, &outcome)) events.push_back(JournalEventFor(spec, r, *m));
    }
    if (Status st = StorePassEvents(db, spec, community, std::move(events), now, &outcome); !st.ok()) return st;
    outcome.records = static_cast<int>(joined.records.size());
    outcome.more = read->more;
    if (Status st = SaveJournalCursor(db, spec.name, NextCursor(*stored, *read, joined), now); !st.ok()) return st;
    nlohmann::json cursor = {{"journal", spec.journal->directory.empty() ? "system" : spec.journal->directory},
                             {"records", outcome.records}, {"added", outcome.events}};
    return RecordPollSuccess(db, spec.name, now, cursor.dump());
  });
  if (!s.ok()) return s;
  if (!lost.empty())
    spdlog::warn("log watcher {}: the journal no longer holds the entry it had read up to ({}; vacuumed or rotated away); "
                 "reading on from its oldest entry", spec.name, lost);
  return outcome;
}

}  // namespace vigil

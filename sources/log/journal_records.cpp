#include "sources/log/journal_records.h"

#include "sources/log/log_records.h"

namespace vigil {

JournalRecords JoinJournalEntries(const std::vector<JournalEntry>& entries, const RE2* start, bool emit_pending) {
  JournalRecords out;
  std::optional<JournalRecord> open;
  for (size_t i = 0; i < entries.size(); ++i) {
    const JournalEntry& e = entries[i];
    if (start == nullptr || !open || RE2::PartialMatch(e.message, *start)) {
      if (open) {
        out.records.push_back(std::move(*open));
        out.consumed = i;
      }
      open = JournalRecord{e, e.message, e.cursor};
    } else {
      AppendRecordLine(&open->text, e.message);
      open->last_cursor = e.cursor;
    }
  }
  if (open && (start == nullptr || emit_pending)) {
    out.records.push_back(std::move(*open));
    out.consumed = entries.size();
  }
  return out;
}

}  // namespace vigil

// Journal entries as log records: one entry each, or, with a watcher's `start` pattern, an entry
// whose MESSAGE matches it plus the entries that follow up to the next such entry (a stack trace
// logged line by line). Like SplitRecords for files: the last record of a read waits for the next
// start entry unless its writer is done with it. Pure logic; any thread.
#pragma once

#include <re2/re2.h>

#include <string>
#include <vector>

#include "sources/log/journal_reader.h"

namespace vigil {

struct JournalRecord {
  JournalEntry first;       // its first entry: the fields and the cursor the event is named by
  std::string text;         // MESSAGE, or the messages joined with '\n', at most kMaxRecordBytes
  std::string last_cursor;  // the cursor of its last entry: the next read starts after it
};

struct JournalRecords {
  std::vector<JournalRecord> records;
  size_t consumed = 0;  // entries the records cover; the rest is read again next time
};

// Records of `entries` (oldest first). With `start`, the last record is left out (not consumed)
// unless `emit_pending`.
JournalRecords JoinJournalEntries(const std::vector<JournalEntry>& entries, const RE2* start, bool emit_pending);

}  // namespace vigil

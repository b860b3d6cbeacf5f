// Splitting bytes read from a log file into records: one line each, or, with a start pattern,
// a start line and the lines that follow it up to the next start line (a stack trace, a
// multi-line SQL statement). Pure logic; the tailer decides what to read and when a file is done.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct LogRecord {
  int64_t offset = 0;  // file offset of the record's first byte
  std::string text;    // without the final newline (and without a trailing '\r')
};

struct SplitOptions {
  const RE2* start = nullptr;   // multi-line: a record begins at a line this matches (partially)
  bool emit_pending = false;    // multi-line: emit the last record too (its writer is done with it)
  bool take_partial = false;    // take a final line that has no newline yet (the file is finished)
};

struct SplitResult {
  std::vector<LogRecord> records;
  int64_t consumed = 0;  // bytes of `data` the records cover; the rest is read again next time
};

// Records in `data`, which starts at file offset `base` on a record boundary. Only complete lines
// are taken unless `take_partial`; with a start pattern the last record waits for the next start
// line unless `emit_pending`. Lines before the first start line form a record of their own.
SplitResult SplitRecords(std::string_view data, int64_t base, const SplitOptions& options);

// Appends "\n" and `line` to a multi-line record, keeping it within kMaxRecordBytes (cut on a
// character boundary; a full record takes no more).
void AppendRecordLine(std::string* record, std::string_view line);

// Records longer than this keep their first kMaxRecordBytes (the offsets still cover them whole).
inline constexpr size_t kMaxRecordBytes = 64 * 1024;

}  // namespace vigil

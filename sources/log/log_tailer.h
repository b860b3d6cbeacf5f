// One pass of a log watcher over its files: from the stored offsets to what the files hold now,
// following rotation.
//
// - A file is followed by inode, under the path it was last seen at, and checked by a hash of its
//   first bytes (an inode reused by a new file is a new file).
// - Rename rotation (app.log -> app.log.1, a new app.log): the old inode is looked for among the
//   glob matches, PATH.1 and the `rotated` globs, and read to its end there, so no line is lost,
//   across a restart too as long as the rotated file still lies there. The new file is read from
//   its first byte. A rotated file stops being followed once read to its end and idle for
//   kRotatedIdle (a writer may keep appending to the old file until it reopens).
// - Rename then compress (app.log.1 gzipped to app.log.1.gz, a new inode): a row whose file is not
//   found as a plain file is looked for among .gz files by its decompressed head and read from
//   its offset to its end (log_gzip_rotation.h). A .gz is never followed as a live file.
// - Copytruncate (copied aside, then truncated in place): the same inode, now shorter than the
//   offset, is read again from 0 (and its unread bytes looked for in a .gz, as after a rotation). Lines written between the copy and the truncate are lost; that
//   is the scheme's nature, not something a reader can recover.
// - A trailing line without its newline is left for the next pass; a multi-line record waits for
//   the next start line or until its file has been idle for the spec's flush_after.
//
// Pure with respect to the database: the caller loads the offsets and stores the result's events
// and offsets in one transaction. Threads: any; no shared state.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "sources/log/log_records.h"
#include "sources/log/log_watcher_spec.h"
#include "store/log_offset_repo.h"

namespace vigil {

struct TailedRecord {
  std::string path;
  int64_t inode = 0;
  LogRecord record;
};

struct TailResult {
  std::vector<TailedRecord> records;  // rotated files first, then the others by path
  std::vector<LogOffset> offsets;     // every file still followed, positions after `records`
  bool more = false;                  // the byte budget ran out: more is waiting
};

struct TailOptions {
  bool first_run = false;        // the watcher has never run: start_at applies to existing files
  size_t budget = 8 << 20;       // bytes read in one pass, over all files
};

// Reads what is new since `offsets`. Never fails as a whole: an unreadable file keeps its offset.
TailResult TailLogFiles(const LogWatcherSpec& spec, const std::vector<LogOffset>& offsets, TimePoint now,
                        const TailOptions& options);

inline constexpr std::chrono::seconds kRotatedIdle{5};

}  // namespace vigil

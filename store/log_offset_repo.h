// How far each log watcher has read each file: vigil_log_offsets, one row per followed file, keyed
// by the path the file was last seen at, with its inode and a hash of its first bytes so that a
// renamed (rotated) file is recognised at its new path and a truncated or replaced one is not.
// Rows change only inside the transaction that stores the events read up to them, so a crash
// neither loses nor repeats a line.
//
// Threads: each caller passes its own connection.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct LogOffset {
  std::string path;
  int64_t inode = 0;
  int64_t position = 0;   // bytes consumed: the next record starts here
  std::string head_hash;  // "N:HEX": FNV-1a of the file's first N bytes
};

// Serialises runs of one watcher for the rest of the caller's transaction (PostgreSQL: an advisory
// transaction lock; SQLite: the caller began its transaction IMMEDIATE, which already excludes
// every other writer).
Status LockLogWatcher(SqlConnection& db, const std::string& watcher);

// The watcher's rows, ordered by path.
Result<std::vector<LogOffset>> LoadLogOffsets(SqlConnection& db, const std::string& watcher);

// Replaces the watcher's rows with `offsets` (call inside the caller's transaction).
Status SaveLogOffsets(SqlConnection& db, const std::string& watcher, const std::vector<LogOffset>& offsets, TimePoint now);

}  // namespace vigil

// DatabaseBackup: the core of the database_backup job. One backup of one database into `dir`:
//   SQLite      SQLite's online backup API (a consistent snapshot while the daemon writes), then
//               PRAGMA integrity_check on the copy;
//   PostgreSQL  `pg_dump -Fc` (the password and the rest of the URL in libpq's environment, never
//               on the command line), then `pg_restore --list` on the dump.
// A backup is written as NAME-YYYYMMDDTHHMMSSZ.partial and renamed to .sqlite3 or .dump only once
// verified, so a file with the final name is always a whole, checked backup; then all but the
// newest `keep` backups of NAME are removed.
//
// Threads: blocking (a dump can take minutes); a worker thread.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/status.h"

namespace vigil {

struct BackupSpec {
  std::string dir = "/var/lib/vigil/backups";
  int keep = 7;
  std::string pg_dump = "pg_dump";
  std::string pg_restore;  // "": pg_restore beside pg_dump (or on PATH)
  std::chrono::milliseconds timeout{std::chrono::hours(2)};
};

struct BackupTarget {
  std::string name;  // the files' prefix: "vigil", or the name under `databases:`
  std::string url;
};

struct BackupFile {
  std::string path;
  int64_t bytes = 0;
  double seconds = 0;
  std::vector<std::string> removed;  // older backups removed to keep `keep`
};

Result<BackupFile> BackUpDatabase(const BackupTarget& target, const BackupSpec& spec, TimePoint now,
                                  const CancelToken* cancel);

// The backups of `name` in `dir`, oldest first.
std::vector<std::string> BackupsOf(const std::string& dir, const std::string& name);

}  // namespace vigil

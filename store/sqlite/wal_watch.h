// WalWatch: tells when a SQLite database in WAL mode was written by any process (the CLI's
// `vigil jobs run`, `vigil watchers add`, a second connection), by watching its directory with
// inotify for changes to "<file>-wal". The job engine's listener uses it on SQLite as LISTEN is
// used on PostgreSQL: jobs enqueued from outside the daemon are claimed at once, and an idle
// daemon need not poll the table. Every commit appends to the WAL, the daemon's own ones too (a
// wake-up it did not need costs one claim round); the kernel merges repeated events that were not
// read yet, so a busy database costs a wake-up per round, not per commit.
#pragma once

#include <chrono>
#include <string>

#include "common/status.h"

namespace vigil {

class WalWatch {
 public:
  WalWatch() = default;
  ~WalWatch();
  WalWatch(const WalWatch&) = delete;
  WalWatch& operator=(const WalWatch&) = delete;

  // Watches `db_file`'s WAL (`db_file` as PRAGMA database_list gives it: absolute).
  Status Open(const std::string& db_file);
  // Waits up to `timeout` for a write to the WAL or for `interrupt_fd` (-1: none) to be readable.
  // True if the WAL was written (events read and merged), false on timeout or interrupt.
  Result<bool> Wait(std::chrono::milliseconds timeout, int interrupt_fd);

 private:
  int fd_ = -1;
  std::string wal_name_;  // "<file>-wal", without the directory
};

}  // namespace vigil

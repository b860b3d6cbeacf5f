// WalCheckpointer: in the daemon, the WAL of a SQLite file is copied back into the database by a
// thread of its own, not by whichever connection's commit found the WAL past SQLite's threshold.
//
// SQLite's automatic checkpoint (wal_autocheckpoint, 1000 pages) runs inside the commit that
// crossed the threshold: that commit also copies the WAL into the database file and syncs it.
// The daemon's writers take turns (write_gate.h) and hold their turn until the commit returns, so
// every writer waited for each checkpoint: under a webhook burst the checkpoints were about 12% of
// the daemon's CPU, all of it spent while no other writer could go on (perf, bench/README.md).
// Here each connection's WAL hook only says how long the WAL is; past the same threshold it wakes
// the file's checkpointer, which runs the same PASSIVE checkpoint (one that never holds writers
// back) on its own connection. An idle daemon's WAL seldom reaches the threshold: the thread
// sleeps until asked, and exists only while a connection to the file does.
//
// Only where the process asks for it (EnableWalCheckpointer, `vigil run`): a short-lived CLI
// command keeps SQLite's own checkpoints. If the checkpointer's connection cannot be opened, the
// connections keep SQLite's own checkpoints too.
//
// Threads: Requested() from any connection's thread (inside its commit: it only sets a flag and
// notifies); the checkpoint thread uses only its own connection.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace vigil {

class WalCheckpointer {
 public:
  static constexpr int kThresholdPages = 1000;  // SQLite's wal_autocheckpoint default

  // Whether connections opened from now on in this process leave checkpoints to a checkpointer.
  static void Enable(bool on);

  // The checkpointer of the database file `file` (an absolute path), shared by this process's
  // connections to it, its thread started; nullptr when not enabled, for an in-memory or
  // temporary database (""), or when its connection cannot be opened.
  static std::shared_ptr<WalCheckpointer> For(const std::string& file);

  // Installs on `db` the WAL hook that asks `self` for a checkpoint past the threshold (and so
  // turns off SQLite's own checkpoints on that connection).
  static void Attach(sqlite3* db, WalCheckpointer* self);

  explicit WalCheckpointer(sqlite3* own);
  ~WalCheckpointer();  // stops and joins the thread, closes its connection
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  void Requested();
  // Checkpoints run so far (tests).
  int64_t runs() const;

 private:
  void Run();

  sqlite3* own_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool due_ = false;
  bool stopping_ = false;
  int64_t runs_ = 0;
  std::thread thread_;
};

}  // namespace vigil

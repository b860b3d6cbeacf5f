// WriteGate: this process's connections to one SQLite file take turns at writing on a mutex.
//
// SQLite lets one connection write at a time; the others find the file busy and retry from their
// busy handler (sqlite_connection.cpp), sleeping between tries. Inside one process the daemon's
// writers (job workers, the completer, the fetcher's claims, the webhook writer, the maintainer)
// met that way: twenty timed watchers firing together cost some 300 context switches of sleeps
// and retries. Through the gate a writer waits once, on a futex, and is woken when the writer
// before it is done. Only an explicit write transaction (BEGIN IMMEDIATE, which always takes
// SQLite's write lock) holds the gate, from before its BEGIN until it ends: a statement outside
// one may not need the lock at all (CREATE TABLE IF NOT EXISTS of a table that exists), and must
// not wait for a gate where SQLite would not make it wait. Other processes (the CLI, the
// platform) still meet at SQLite's lock, as before.
//
// Never a deadlock: Enter waits at most the connection's busy timeout and then lets the writer
// go on to SQLite's own lock, which decides as it did without the gate (a thread writing on two
// connections of the same file at once, say, gets SQLITE_BUSY as before).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace vigil {

class WriteGate {
 public:
  // The gate of the database file `file` (an absolute path), shared by this process's
  // connections to it; nullptr for an in-memory or temporary database ("").
  static std::shared_ptr<WriteGate> For(const std::string& file);

  // Waits up to `timeout` for the gate; false if it did not come (go on without it).
  bool Enter(std::chrono::milliseconds timeout) { return mu_.try_lock_for(timeout); }
  void Leave() { mu_.unlock(); }

 private:
  std::timed_mutex mu_;
};

}  // namespace vigil

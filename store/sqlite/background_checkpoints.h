// BackgroundCheckpoints: for as long as it lives, a SQLite connection in WAL mode stops
// checkpointing on its commits (wal_autocheckpoint = 0) and a thread of its own, on a connection
// of its own to the same file, copies the WAL into the database every `every` with PASSIVE
// checkpoints, which never hold writers back. A checkpoint syncs the database file; done by the
// writing connection, it makes a commit now and then take as long as that sync. Once the WAL
// holds `restart_pages` pages, a RESTART checkpoint (which holds writers back only while it
// copies what the last passive round left) lets the next commit start the WAL over, so the WAL
// stays bounded. A RESTART waits for readers of an older snapshot, holding new writers back
// meanwhile: it gives up after `busy_timeout` and is tried again only once the WAL has grown by
// another `restart_pages` (a long reader also kept SQLite's own checkpoints from restarting the
// WAL). The destructor joins the thread and restores the connection's setting.
//
// For a long stream of writes from one connection (embedding_backfill's pass). Nothing happens
// for other dialects, other journal modes or in-memory databases, or when the second connection
// cannot be opened (the connection then checkpoints as before).
//
// Threads: the thread uses only its own connection; `db` is touched in the constructor and the
// destructor, on the thread that owns it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sql.h"

namespace vigil {

class BackgroundCheckpoints {
 public:
  struct Options {
    std::chrono::milliseconds every{50};
    int64_t restart_pages = 8000;  // ~32 MB of 4 KB pages
    std::chrono::milliseconds busy_timeout{100};  // how long a RESTART waits for others
  };

  explicit BackgroundCheckpoints(SqlConnection& db) : BackgroundCheckpoints(db, Options{}) {}
  BackgroundCheckpoints(SqlConnection& db, Options options);
  ~BackgroundCheckpoints();
  BackgroundCheckpoints(const BackgroundCheckpoints&) = delete;
  BackgroundCheckpoints& operator=(const BackgroundCheckpoints&) = delete;

  // Whether the thread runs (false: `db` checkpoints on its own, as before).
  bool active() const { return thread_.joinable(); }

 private:
  void Loop();

  SqlConnection& db_;
  Options options_;
  std::unique_ptr<SqlConnection> own_;
  std::string previous_autocheckpoint_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace vigil

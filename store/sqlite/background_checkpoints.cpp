#include "store/sqlite/background_checkpoints.h"

#include "store/sqlite/sqlite_connection.h"

#include <spdlog/spdlog.h>

namespace vigil {

BackgroundCheckpoints::BackgroundCheckpoints(SqlConnection& db, Options options) : db_(db), options_(options) {
  if (db.dialect() != "sqlite") return;
  auto mode = db.Query("PRAGMA journal_mode");
  auto files = db.Query("PRAGMA database_list");
  auto previous = db.Query("PRAGMA wal_autocheckpoint");
  if (!mode.ok() || mode->rows.empty() || mode->rows[0].Text(0) != "wal") return;
  if (!files.ok() || !previous.ok() || previous->rows.empty()) return;
  std::string path;  // "" for an in-memory or temporary database
  for (const auto& row : files->rows) {
    if (row.Text(1) == "main") path = row.Text(2);
  }
  if (path.empty()) return;
  // A RESTART waits for other connections' readers and holds new writers back while it waits:
  // a short busy timeout bounds that for whoever else uses the file (the platform, on its own
  // database); a round that gives up is tried again at the next.
  auto own = OpenSqlConnection("sqlite:" + path, static_cast<int>(options_.busy_timeout.count()));
  if (!own.ok()) {
    spdlog::debug("no checkpoint connection to {} ({}); the writer checkpoints itself", path, own.error());
    return;
  }
  own_ = std::move(*own);
  if (!db_.ExecScript("PRAGMA wal_autocheckpoint = 0").ok()) return;
  previous_autocheckpoint_ = previous->rows[0].Text(0);
  thread_ = std::thread([this] { Loop(); });
}

BackgroundCheckpoints::~BackgroundCheckpoints() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  (void)db_.ExecScript("PRAGMA wal_autocheckpoint = " + previous_autocheckpoint_);
  ReattachWalCheckpointer(db_);  // in the daemon, its checkpointer's hook (read as 0 above)
}

void BackgroundCheckpoints::Loop() {
  // A RESTART that could not finish (a reader kept an old snapshot) is tried again only once the
  // WAL has grown by another restart_pages, so a long reader does not hold writers back round
  // after round.
  int64_t restart_at = options_.restart_pages;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, options_.every, [this] { return stopping_; })) {
    lock.unlock();
    // One row: busy, pages in the WAL, pages copied. A failed round is only skipped.
    auto passive = own_->Query("PRAGMA wal_checkpoint(PASSIVE)");
    int64_t pages = passive.ok() && !passive->rows.empty() ? passive->rows[0].Int(1) : 0;
    if (pages < options_.restart_pages) {
      restart_at = options_.restart_pages;  // the WAL started over
    } else if (pages >= restart_at) {
      auto restart = own_->Query("PRAGMA wal_checkpoint(RESTART)");
      bool done = restart.ok() && !restart->rows.empty() && restart->rows[0].Int(0) == 0;
      restart_at = done ? options_.restart_pages : pages + options_.restart_pages;
    }
    lock.lock();
  }
}

}  // namespace vigil

#include "store/sqlite/background_checkpoints.h"

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
  auto own = OpenSqlConnection("sqlite:" + path);
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
}

void BackgroundCheckpoints::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, options_.every, [this] { return stopping_; })) {
    lock.unlock();
    // One row: busy, pages in the WAL, pages copied. A failed round is only skipped.
    auto passive = own_->Query("PRAGMA wal_checkpoint(PASSIVE)");
    if (passive.ok() && !passive->rows.empty() && passive->rows[0].Int(1) >= options_.restart_pages) {
      (void)own_->Query("PRAGMA wal_checkpoint(RESTART)");
    }
    lock.lock();
  }
}

}  // namespace vigil

#include "jobs/engine/pause_watch.h"

#include <spdlog/spdlog.h>

namespace vigil {

std::shared_ptr<const PausedWork> PauseWatch::Get(SqlConnection& db) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (read_at_ > invalidated_at_ && std::chrono::steady_clock::now() - read_at_ < max_age_) return current_;
  }
  auto started = std::chrono::steady_clock::now();
  auto read = ReadPausedWork(db);  // no lock held over the query
  std::lock_guard<std::mutex> lock(mu_);
  if (!read.ok()) {
    spdlog::warn("reading the paused job kinds and queues: {}", read.error());
    return current_;
  }
  if (started < read_at_) return current_;  // a newer read finished first
  current_ = std::make_shared<const PausedWork>(std::move(*read));
  read_at_ = started;
  return current_;
}

void PauseWatch::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  invalidated_at_ = std::chrono::steady_clock::now();
}

}  // namespace vigil

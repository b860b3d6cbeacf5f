// PauseWatch: the job engine's view of vigil_job_pauses (store/job_pause_repo.h), read again when
// it is older than `max_age`, so a pause or resume made by any process sharing the database (the
// CLI, another daemon's API) reaches this engine's claims and schedules within max_age of its
// commit plus the time until the fetcher's next round (the engine waits at most max_age between
// rounds while something is paused). When nothing is paused a claim costs nothing more than the
// cheap re-read of an empty table every max_age.
//
// Threads: Get and Invalidate may be called from any thread, each Get with that thread's own
// connection; a snapshot, once returned, never changes.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "store/job_pause_repo.h"

namespace vigil {

class PauseWatch {
 public:
  explicit PauseWatch(std::chrono::milliseconds max_age = std::chrono::milliseconds(500)) : max_age_(max_age) {}

  // What is paused, as read at most max_age ago; read on `db` when older. When the read fails the
  // last snapshot stays (nothing paused before the first read succeeds) and is read again next time.
  std::shared_ptr<const PausedWork> Get(SqlConnection& db);
  // The next Get reads the table (this process changed it).
  void Invalidate();

  std::chrono::milliseconds max_age() const { return max_age_; }

 private:
  const std::chrono::milliseconds max_age_;
  std::mutex mu_;
  std::shared_ptr<const PausedWork> current_ = std::make_shared<PausedWork>();
  std::chrono::steady_clock::time_point read_at_{};        // when the read behind current_ began
  std::chrono::steady_clock::time_point invalidated_at_{};  // a read begun before this is stale
};

}  // namespace vigil

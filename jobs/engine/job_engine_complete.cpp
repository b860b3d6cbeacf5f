// JobEngine's completer thread: records the outcomes of finished jobs in grouped commits and wakes
// the fetcher when they matter to it. Threads and locks: see job_engine.h.
#include <spdlog/spdlog.h>

#include <thread>

#include "common/metrics.h"
#include "common/thread_name.h"
#include "jobs/engine/job_engine.h"

namespace vigil {
namespace {

// While handlers run, the completer waits for more outcomes in slices of kGatherFor: on while each
// slice brought one, kGatherAtMost in all. A lone outcome waits kGatherFor; a stream of short jobs
// is committed every kGatherAtMost or every gather_enough_ outcomes.
constexpr auto kGatherFor = std::chrono::milliseconds(5);
constexpr auto kGatherAtMost = std::chrono::milliseconds(50);

}  // namespace

void JobEngine::CompleteLoop() {
  NameThisThread("jobs-complete");
  auto db = ConnectWithRetry("completer");
  for (;;) {
    std::vector<std::pair<JobOutcome, std::string>> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      complete_cv_.wait(lock, [this] { return stop_all_ || !outcomes_.empty(); });
      if (outcomes_.empty() && stop_all_) return;
      // Handlers still run: their outcomes join this commit if they come soon (a burst of short
      // jobs, a schedule's fires: one commit and one wake-up for several). The commit's cost is
      // mostly fixed (a round trip, the WAL flush): under a backlog of short jobs, batches of a
      // handful made the completions a third of the database's work per job, more so with
      // several daemons of few workers each (docs/scaling.md).
      if (!stop_all_ && active_handlers_ > 0 && outcomes_.size() < gather_enough_) {
        completer_gathering_ = true;
        auto until = std::chrono::steady_clock::now() + kGatherAtMost;
        for (;;) {
          size_t seen = outcomes_.size();
          bool enough = complete_cv_.wait_for(lock, kGatherFor, [this] {
            return stop_all_ || active_handlers_ == 0 || outcomes_.size() >= gather_enough_;
          });
          if (enough || outcomes_.size() == seen || std::chrono::steady_clock::now() >= until) break;
        }
        completer_gathering_ = false;
      }
      batch.swap(outcomes_);
    }
    std::vector<JobOutcome> outcomes;
    for (const auto& [o, kind] : batch) outcomes.push_back(o);
    int backoff = 50;
    for (;;) {
      if (!db || !db->healthy()) db = ConnectWithRetry("completer");
      if (!db) return;  // stopping with the database down: leases expire and the jobs run again
      auto r = FinishJobs(*db, outcomes, options_.node_id, clock_.Now());
      if (r.ok()) break;
      spdlog::warn("recording {} job outcomes failed, retrying: {}", outcomes.size(), r.error());
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
      backoff = std::min(backoff * 2, 2000);
    }
    std::lock_guard<std::mutex> lock(mu_);
    finished_ += static_cast<int64_t>(batch.size());
    finished_last_ = std::chrono::steady_clock::now();
    bool retried = false;
    for (const auto& [o, kind] : batch) {
      retried = retried || (!o.ok && !o.discard);
      auto it = inflight_.find(o.id);
      std::string queue = it != inflight_.end() ? it->second->job.queue : "";
      if (it != inflight_.end()) inflight_.erase(it);
      if (auto q = queues_.find(queue); q != queues_.end()) q->second.uncommitted--;
      Labels labels{{"kind", kind}, {"queue", queue}};
      if (o.ok) Metrics::Global().Inc("vigil_jobs_completed_total", labels);
      else if (o.discard) Metrics::Global().Inc("vigil_jobs_discarded_total", labels);
      else Metrics::Global().Inc("vigil_jobs_failed_total", labels);
      if (!o.ok) spdlog::log(o.discard ? spdlog::level::err : spdlog::level::warn, "job {} ({}) {}: {}", o.id, kind,
                             o.discard ? "discarded" : "will retry", o.error);
    }
    // The fetcher claims again if the last round left jobs for want of room (what these outcomes
    // held counts until now with prefetch: auto), and reads the next run_at again if a job comes
    // back later: it may sleep past that otherwise.
    if (claim_limited_ || retried) {
      wake_ = true;
      fetch_cv_.notify_one();
    }
  }
}

}  // namespace vigil

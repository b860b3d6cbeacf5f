// JobEngine: claims jobs from vigil_jobs and runs them on a fixed pool of worker threads.
//
// Threads (all owned here, each with its own database connection):
//   fetcher     claims batches per queue while workers have room (plus a small prefetch), passing
//               over paused kinds and queues (pause_watch.h), woken
//               by in-process enqueues, by PostgreSQL NOTIFY (listener thread), by finished
//               jobs, or by the poll interval;
//   workers     per queue, `concurrency` threads run handlers;
//   completer   records outcomes in grouped commits (several jobs per transaction);
//   maintainer  extends leases, rescues expired ones, enforces per-kind timeouts, prunes, fires
//               schedules, heartbeats the node, samples queue metrics;
//   listener    (PostgreSQL only) LISTEN vigil_jobs.
// Shared state is guarded by mu_; the condition variables say who waits for what.
//
// Stop(): no more claims; prefetched jobs are handed back at once; running jobs get until the
// deadline, then their cancel flags are set and whatever is still running is handed back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jobs/engine/job_types.h"
#include "jobs/engine/pause_watch.h"
#include "jobs/engine/scheduler.h"

namespace vigil {

struct JobEngineOptions {
  SqlTarget database;
  std::map<std::string, int> queues = {{"default", 4}};  // name -> concurrency
  int claim_batch = 200;
  int prefetch = 0;  // jobs claimed beyond free workers, so workers never wait for a round trip
  std::chrono::milliseconds lease{30000};
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds rescue_interval{5000};
  std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};
  std::chrono::milliseconds complete_batch_delay{0};  // wait this long to gather more outcomes
  std::string node_id;
};

class JobEngine {
 public:
  JobEngine(JobEngineOptions options, const JobRegistry& registry, std::vector<ScheduleSpec> schedules,
            const Clock& clock = SystemClock::Instance());
  ~JobEngine();  // stops (with a zero deadline) if still running

  Status Start();
  // Graceful stop; returns once every thread has exited.
  void Stop(std::chrono::milliseconds deadline);
  // A job was enqueued in this process: claim without waiting for the poll.
  void Wake();
  // Enqueues on a connection of the caller's (EnqueueJobs); its commit wakes the fetcher, as any
  // commit in this process that enqueued does (store/job_repo.h).
  Result<std::vector<EnqueueResult>> Enqueue(SqlConnection& db, const std::vector<JobSpec>& jobs);

  // Replaces the schedules (config reload); the maintainer applies them before its next tick.
  void SetSchedules(std::vector<ScheduleSpec> schedules);

  // This process paused or resumed a kind or queue (store/job_pause_repo.h): read the pauses
  // again before the next claim and schedule tick, and claim now. Other processes' changes are
  // seen within PauseWatch's max_age without this.
  void PausesChanged();
  // The kinds this engine runs and the queues it serves (what may be paused).
  std::vector<std::string> KindNames() const { return registry_.Names(); }
  std::vector<std::string> QueueNames() const;

  const std::string& node_id() const { return options_.node_id; }
  size_t running() const;

 private:
  struct Claimed {
    JobRow job;
    std::shared_ptr<CancelToken> cancel;
    std::chrono::steady_clock::time_point started{};
    bool timed_out = false;
    bool handed_back = false;  // cancelled by Stop(): goes back to the queue, no attempt counted
  };
  struct QueueState {
    int concurrency = 1;
    std::deque<std::shared_ptr<Claimed>> ready;
    int busy = 0;
  };

  void FetchLoop();
  void WorkLoop(const std::string& queue);
  void CompleteLoop();
  void MaintainLoop();
  // Records this node in vigil_nodes and hands back the jobs of gone daemons on this host.
  void RegisterNode(SqlConnection& db);
  void ListenLoop();
  bool ClaimRound(SqlConnection& db);
  JobOutcome RunOne(Claimed& c, SqlConnection*& worker_db, std::unique_ptr<SqlConnection>& owned);
  JobOutcome OutcomeOf(const Claimed& c, const KindSpec& spec, JobResult result) const;
  void Maintain(SqlConnection& db, std::chrono::steady_clock::time_point& last_rescue,
                std::chrono::steady_clock::time_point& last_prune, std::chrono::steady_clock::time_point& last_metrics);
  void EnforceTimeouts();
  std::unique_ptr<SqlConnection> ConnectWithRetry(const char* who);
  void HandBackReady();
  void SampleQueueMetrics(SqlConnection& db);

  JobEngineOptions options_;
  const JobRegistry& registry_;
  Scheduler scheduler_;
  const Clock& clock_;
  PauseWatch pauses_;  // paused kinds and queues: not claimed, their schedules do not fire

  mutable std::mutex mu_;
  std::condition_variable fetch_cv_;     // fetcher waits: wake, room, stop
  std::condition_variable work_cv_;      // workers wait: ready jobs, stop
  std::condition_variable complete_cv_;  // completer waits: outcomes, stop
  std::condition_variable maintain_cv_;  // maintainer waits: stop
  std::map<std::string, QueueState> queues_;
  std::map<int64_t, std::shared_ptr<Claimed>> inflight_;  // claimed, outcome not yet committed
  std::vector<std::pair<JobOutcome, std::string>> outcomes_;  // outcome, kind
  std::optional<std::vector<ScheduleSpec>> pending_schedules_;
  bool wake_ = false;
  bool stop_claiming_ = false;
  bool stop_workers_ = false;
  bool stop_all_ = false;
  int active_handlers_ = 0;

  std::thread fetch_thread_, complete_thread_, maintain_thread_, listen_thread_;
  std::vector<std::thread> workers_;
  bool started_ = false;
  int enqueue_observer_ = 0;  // AddEnqueueObserver's token while started
};

// Options from the config's jobs section; an error (file:line:column and key) for a
// `jobs.queues` entry that is not a whole number of workers from 1 to 256.
class Config;
Result<JobEngineOptions> JobEngineOptionsFrom(const Config& config);

}  // namespace vigil

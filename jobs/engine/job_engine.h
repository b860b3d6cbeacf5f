// JobEngine: claims jobs from vigil_jobs and runs them on a fixed pool of worker threads.
//
// Threads (all owned here, each with its own database connection):
//   fetcher     claims batches per queue while workers have room (plus a small prefetch), passing
//               over paused kinds and queues (pause_watch.h), woken by in-process enqueues, by
//               the listener, by finished jobs; when nothing is runnable it sleeps until the
//               next delayed job's run_at, or poll_interval (a safety net) at most;
//   workers     per queue, `concurrency` threads run handlers;
//   completer   records outcomes in grouped commits (several jobs per transaction);
//   maintainer  extends leases, rescues expired ones, enforces per-kind timeouts, prunes, fires
//               schedules, heartbeats the node, samples queue metrics; it sleeps until the
//               earliest of these is due (every lease/3 for leases and the heartbeat, the next
//               schedule fire, the earliest running job's timeout), not on a fixed tick;
//   listener    wakes the fetcher when another process enqueued: LISTEN vigil_jobs on
//               PostgreSQL, an inotify watch on the WAL on SQLite (store/sqlite/wal_watch.h).
// An idle daemon's engine so wakes a few times a minute and writes only its heartbeat; a job
// finishing wakes the fetcher only when a claim was held back for room (or the job will be
// retried: its run_at is new), and the maintainer not at all.
// Shared state is guarded by mu_; the condition variables say who waits for what.
//
// Stop(): no more claims; prefetched jobs are handed back at once; running jobs get until the
// deadline, then their cancel flags are set and whatever is still running is handed back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/wake_fd.h"
#include "jobs/engine/adaptive_prefetch.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/pause_watch.h"
#include "jobs/engine/queue_metrics.h"
#include "jobs/engine/scheduler.h"

namespace vigil {

struct JobEngineOptions {
  SqlTarget database;
  std::map<std::string, int> queues = {{"default", 4}};  // name -> concurrency
  static constexpr int kAuto = -1;  // prefetch and claim_batch follow the backlog (adaptive_prefetch.h)
  int claim_batch = 200;  // most jobs per claim query; kAuto: the queue's room
  int prefetch = 0;  // jobs claimed beyond free workers, so workers never wait for a round trip; or kAuto
  std::chrono::milliseconds lease{30000};
  // Claim rounds with nothing to wake them: a safety net, since enqueues anywhere wake the fetcher.
  std::chrono::milliseconds poll_interval{30000};
  std::chrono::milliseconds rescue_interval{5000};
  std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};
  // The longest the fetcher and maintainer sleep on a time read from the clock before reading it
  // again: a wall clock stepped forward is noticed within this; a test's FakeClock wants less.
  std::chrono::milliseconds clock_check{30000};
  // A worker with no job for this long closes its database connection (and calls
  // on_worker_idle, on its own thread, for what else it holds): an idle daemon keeps no
  // connection per worker. The next job opens one again.
  std::chrono::milliseconds worker_idle_close{60000};
  std::function<void()> on_worker_idle;
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

  // Replaces the schedules (config reload); the maintainer is woken and applies them at once.
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
    std::condition_variable work_cv;  // this queue's idle workers wait: ready jobs, stop
    int busy = 0;
    int uncommitted = 0;  // run, outcome not yet committed: still leased to this node
    AdaptivePrefetch adaptive;  // used when options_.prefetch is kAuto
  };

  // When the maintainer's periodic work is next due (steady clock), and what is due.
  struct MaintainDue {
    std::chrono::steady_clock::time_point rescue{}, prune{}, metrics{};
    TimePoint next_fire{};  // the schedules' earliest next fire (system clock)
    bool any_paused = false;
    // The queue metrics' last sample: the (queue, kind) pairs it found available, wakes_ +
    // finished_ then, and until when an idle queue need not be sampled again.
    QueuePairs metrics_shown;
    int64_t metrics_activity = -1;
    std::chrono::steady_clock::time_point metrics_quiet_until{};
    std::chrono::steady_clock::time_point metrics_not_before{};  // 100 times the last sample's time after it
  };
  struct ClaimRoundResult {
    bool full = false;     // some claim came back full: more may wait
    bool claimed = false;  // anything at all was claimed
    bool drained = false;  // some claim came back short: its queue has no more due jobs
  };

  void FetchLoop();
  void WorkLoop(const std::string& queue);
  // A worker idle past worker_idle_close: its connection closed, on_worker_idle called.
  void ReleaseIdleWorker(SqlConnection*& worker_db, std::unique_ptr<SqlConnection>& owned);
  void CompleteLoop();
  void MaintainLoop();
  // Records this node in vigil_nodes and hands back the jobs of gone daemons on this host (and any
  // whose lease ran out).
  void RegisterNode(SqlConnection& db);
  void ListenLoop();
  ClaimRoundResult ClaimRound(SqlConnection& db);
  // How long the fetcher may sleep when nothing was claimed: until the next delayed job, the
  // poll interval at most.
  std::chrono::milliseconds IdleWait(SqlConnection& db, TimePoint claimed_at);
  // The same from what is known (the poll interval, a next run_at read before), reading nothing.
  std::chrono::milliseconds KnownWait();
  void ListenPostgres(SqlConnection& db);
  void ListenSqlite(SqlConnection& db);
  // Whether a job waiting in a served queue can run before the sleeping fetcher's wake.
  bool DueBeforeFetcherWakes(SqlConnection& db, TimePoint until);
  JobOutcome RunOne(Claimed& c, SqlConnection*& worker_db, std::unique_ptr<SqlConnection>& owned);
  JobOutcome OutcomeOf(const Claimed& c, const KindSpec& spec, JobResult result) const;
  // Does what is due; returns when to come back.
  std::chrono::steady_clock::time_point Maintain(SqlConnection& db, MaintainDue& due, bool woken);
  void WakeMaintainer();
  // Cancels the jobs past their kind's timeout; returns when the next running job's can pass.
  std::chrono::steady_clock::time_point EnforceTimeouts();
  std::unique_ptr<SqlConnection> ConnectWithRetry(const char* who);
  // Handlers' and the maintainer's connections: commits that need not wait for the disk on SQLite.
  static std::unique_ptr<SqlConnection> RelaxedOnSqlite(std::unique_ptr<SqlConnection> db);
  void HandBackReady();

  JobEngineOptions options_;
  const JobRegistry& registry_;
  Scheduler scheduler_;
  const Clock& clock_;
  PauseWatch pauses_;  // paused kinds and queues: not claimed, their schedules do not fire

  mutable std::mutex mu_;
  std::condition_variable fetch_cv_;     // fetcher waits: wake, room, stop
  std::condition_variable complete_cv_;  // completer waits: outcomes (or, gathering, the last
                                         // running handler's), stop
  std::condition_variable maintain_cv_;  // maintainer waits: its next due time, maintain_wake_,
                                         // maintain_deadline_ brought forward, stop
  std::condition_variable handlers_cv_;  // Stop() waits: active_handlers_ back to 0
  std::map<std::string, QueueState> queues_;
  std::map<int64_t, std::shared_ptr<Claimed>> inflight_;  // claimed, outcome not yet committed
  std::vector<std::pair<JobOutcome, std::string>> outcomes_;  // outcome, kind
  std::optional<std::vector<ScheduleSpec>> pending_schedules_;
  bool wake_ = false;
  int64_t wakes_ = 0;  // Wake() calls: enqueues here and elsewhere, rescues, pauses changed
  std::chrono::steady_clock::time_point round_started_{};  // the fetcher's last claim round (ListenSqlite)
  // The fetcher's last reading of the next delayed job's run_at (IdleWait), and when it was read.
  std::chrono::steady_clock::time_point next_run_read_at_{};
  std::optional<TimePoint> next_run_at_;
  // The fetcher waits for a wake or until fetch_until_ (clock_): a WAL write that enqueued
  // nothing runnable before then need not wake it (ListenSqlite).
  bool fetch_sleeping_ = false;
  TimePoint fetch_until_{};
  bool claim_limited_ = false;  // the last claim round left jobs unclaimed for want of room
  bool maintain_wake_ = false;  // schedules or pauses changed: tick them
  // When the maintainer means to wake; a claim whose job could time out sooner wakes it early.
  std::chrono::steady_clock::time_point maintain_deadline_ = std::chrono::steady_clock::time_point::max();
  bool maintain_timeouts_ = false;  // woken for a nearer timeout (no schedule tick)
  bool stop_claiming_ = false;
  bool stop_workers_ = false;
  bool stop_all_ = false;
  int active_handlers_ = 0;
  // The completer waits for more outcomes while handlers run (CompleteLoop): until all have ended,
  // outcomes_ holds gather_enough_, or a slice passes that brought none (job_engine_complete.cpp).
  // Workers wake it only for these.
  bool completer_gathering_ = false;
  static constexpr size_t kGatherPerWorker = 16;
  size_t gather_enough_ = 1;  // kGatherPerWorker x the workers of all queues
  int64_t finished_ = 0;          // outcomes committed (CompleteLoop)
  int64_t finished_at_trim_ = 0;  // finished_ when the maintainer last returned freed memory
  std::chrono::steady_clock::time_point finished_last_{};  // when outcomes were last committed

  std::thread fetch_thread_, complete_thread_, maintain_thread_, listen_thread_;
  WakeFd listen_stop_;  // ends the listener's wait at Stop()
  std::vector<std::thread> workers_;
  bool started_ = false;
  int enqueue_observer_ = 0;  // AddEnqueueObserver's token while started
};

// Options from the config's jobs section; an error (file:line:column and key) for a
// `jobs.queues` entry that is not a whole number of workers from 1 to 256.
class Config;
Result<JobEngineOptions> JobEngineOptionsFrom(const Config& config);

}  // namespace vigil

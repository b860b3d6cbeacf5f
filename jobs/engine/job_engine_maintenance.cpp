// JobEngine's maintainer thread, Stop() and the options; the listener is in job_engine_listen.cpp.
// Threads and locks: see job_engine.h.
#include <spdlog/spdlog.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "common/memory_trim.h"
#include "common/metrics.h"
#include "common/thread_name.h"
#include "config/config.h"
#include "config/block_reader.h"
#include "config/schema.h"
#include "config/units.h"
#include "jobs/engine/job_engine.h"
#include "jobs/engine/queue_metrics.h"
#include "store/change_feed_repo.h"
#include "store/db_time.h"
#include "store/node_repo.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

using Steady = std::chrono::steady_clock;

constexpr auto kPruneEvery = std::chrono::hours(1);
constexpr auto kTrimAfterQuiet = std::chrono::seconds(2);  // no job finished for this long: a burst is over
constexpr auto kMetricsEvery = std::chrono::seconds(15);
constexpr auto kQuietMetricsEvery = std::chrono::seconds(60);
constexpr int kMetricsCostShare = 100;  // the queue metrics wait 100 times as long as their last sample took

std::string HostName() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

NodeBeat Beat(const std::string& node_id, TimePoint now, bool stopping) {
  return {node_id, HostName(), static_cast<int64_t>(getpid()), VIGIL_VERSION, now, stopping};
}

// A heartbeat round (HeartbeatRound: the beat, and the jobs whose lease ran out handed back;
// one round trip on PostgreSQL), then the jobs of daemons on this host whose process is gone
// (killed with -9, or crashed) handed back at once instead of when their leases run out: a daemon
// restarted after kill -9 resumes its work right away. On PostgreSQL another machine may carry
// the same host name, so there the node's heartbeat must also have stopped; a SQLite file is one
// machine's. Returns how many jobs were handed back.
int64_t BeatAndRescue(SqlConnection& db, const std::string& self, TimePoint now, std::chrono::milliseconds heartbeat) {
  auto seen = HeartbeatRound(db, Beat(self, now, false));
  if (!seen.ok()) {
    spdlog::warn("recording the heartbeat and handing back the jobs of stopped workers: {}", seen.error());
    return 0;
  }
  if (seen->rescued > 0) spdlog::warn("rescued {} jobs whose lease expired", seen->rescued);
  int64_t total = seen->rescued;
  int64_t stale_before = ToMicros(now - 3 * heartbeat);
  for (const auto& n : seen->others_on_host) {
    if (n.pid <= 0 || kill(static_cast<pid_t>(n.pid), 0) == 0 || errno != ESRCH) continue;
    if (db.dialect() != "sqlite" && n.heartbeat_us >= stale_before) continue;
    auto rescued = RescueJobsOfGoneNode(db, n.node_id, now);
    if (!rescued.ok()) spdlog::warn("handing back the jobs of node {}, whose process is gone: {}", n.node_id, rescued.error());
    else if (*rescued > 0) spdlog::warn("handed back {} jobs of node {}, whose process is gone", *rescued, n.node_id);
    if (rescued.ok()) total += *rescued;
  }
  return total;
}

}  // namespace

void JobEngine::RegisterNode(SqlConnection& db) {
  BeatAndRescue(db, options_.node_id, clock_.Now(), options_.rescue_interval);
}

void JobEngine::MaintainLoop() {
  NameThisThread("jobs-maintain");
  auto db = RelaxedOnSqlite(ConnectWithRetry("maintainer"));
  if (!db) return;
  MaintainDue due;  // its rescue is due at once: the first round beats
  due.prune = Steady::now() + kPruneEvery;
  bool tick = true;  // the first round ticks the schedules
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_all_) break;
      tick = tick || maintain_wake_;
      maintain_wake_ = false;
      maintain_timeouts_ = false;
      // Until the next wait is known, any claim counts as sooner: it brings the maintainer back.
      maintain_deadline_ = Steady::time_point::max();
    }
    if (!db->healthy()) {
      db = RelaxedOnSqlite(ConnectWithRetry("maintainer"));
      if (!db) return;
    }
    auto next = Maintain(*db, due, tick);
    tick = false;
    // Jobs ran since the last trim, none runs now and none finished for a while (a burst is over):
    // what they freed goes back to the kernel, and the code pages they mapped are let go. Not under
    // steady work, whose next jobs would fault the same pages in again.
    bool trim;
    {
      std::lock_guard<std::mutex> lock(mu_);
      trim = finished_ != finished_at_trim_ && inflight_.empty() && Steady::now() - finished_last_ >= kTrimAfterQuiet;
      if (trim) finished_at_trim_ = finished_;
    }
    if (trim) ReturnIdleMemory();
    std::unique_lock<std::mutex> lock(mu_);
    maintain_deadline_ = next;
    maintain_cv_.wait_until(lock, next, [this] { return stop_all_ || maintain_wake_ || maintain_timeouts_; });
  }
  (void)RecordNodeBeat(*db, Beat(options_.node_id, clock_.Now(), true));
}

Steady::time_point JobEngine::Maintain(SqlConnection& db, MaintainDue& due, bool woken) {
  auto next_timeout = EnforceTimeouts();
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, c] : inflight_) ids.push_back(id);
    if (pending_schedules_) {
      scheduler_ = Scheduler(std::move(*pending_schedules_));
      pending_schedules_.reset();
      woken = true;
    }
  }
  auto now = Steady::now();
  // Leases: extend every claimed job's lease well before it runs out; the heartbeat goes with it.
  if (now >= due.rescue) {
    due.rescue = now + options_.rescue_interval;
    if (!ids.empty()) {
      Status s = ExtendLeases(db, ids, options_.node_id, clock_.Now() + options_.lease);
      if (!s.ok()) spdlog::warn("extending leases: {}", s.message());
    }
    if (BeatAndRescue(db, options_.node_id, clock_.Now(), options_.rescue_interval) > 0) Wake();
    // Queue metrics due before the next of these wakes are sampled now: no wake of their own.
    if (due.metrics < now + options_.rescue_interval) due.metrics = std::max(now, due.metrics_not_before);
  }
  // Schedules: only when one is due, when they or the pauses changed, or while something is paused
  // (a resume by another process is seen within max_age). A fire's enqueue wakes the fetcher
  // through the enqueue observer.
  if (scheduler_.size() > 0 && (woken || due.any_paused || clock_.Now() >= due.next_fire)) {
    auto paused = pauses_.Get(db);
    auto next = scheduler_.Tick(db, clock_.Now(), *paused);
    if (!next.ok()) {
      spdlog::warn("{}", next.error());
      due.next_fire = clock_.Now() + std::chrono::seconds(1);
    } else {
      due.next_fire = next->value_or(TimePoint::max());
    }
    due.any_paused = !paused->empty();
  }
  if (now >= due.prune) {
    due.prune = now + kPruneEvery;
    auto pruned = PruneJobs(db, clock_.Now() - options_.retention);
    if (pruned.ok() && *pruned > 0) spdlog::info("pruned {} finished jobs", *pruned);
    (void)scheduler_.PruneFires(db, clock_.Now() - std::chrono::hours(24 * 30));
    // The live stream resumes within a day; older changes only take room.
    (void)PruneChanges(db, clock_.Now() - std::chrono::hours(24));
  }
  if (now >= due.metrics) {
    due.metrics = now + kMetricsEvery;
    auto sample_started = now;
    // An idle queue's figures stay what they were: when the last sample found nothing available,
    // nothing was enqueued, claimed or finished since and nothing is paused or running, they are
    // read again only every kQuietMetricsEvery (a safety net), not every kMetricsEvery.
    int64_t activity;
    {
      std::lock_guard<std::mutex> lock(mu_);
      activity = wakes_ + finished_;
    }
    bool quiet = due.metrics_shown.empty() && activity == due.metrics_activity && ids.empty() && !due.any_paused &&
                 now < due.metrics_quiet_until;
    if (!quiet && SampleQueueMetrics(db, clock_.Now(), due.metrics_shown)) {
      due.metrics_activity = activity;
      due.metrics_quiet_until = now + kQuietMetricsEvery;
      // The count reads every waiting job: under a backlog of tens of thousands it takes the
      // server a tenth of a second, from every daemon. At most 1% of the time goes to it.
      auto sampled = Steady::now();
      due.metrics_not_before = sampled + (sampled - sample_started) * kMetricsCostShare;
      due.metrics = std::max(due.metrics, due.metrics_not_before);
    }
  }
  // Come back at the earliest of what is due.
  auto next = std::min({due.rescue, due.prune, due.metrics, next_timeout});
  if (scheduler_.size() > 0) {
    auto now_wall = clock_.Now();
    auto until_fire = due.next_fire <= now_wall ? std::chrono::milliseconds(0)
                      : due.next_fire - now_wall >= options_.clock_check
                          ? options_.clock_check
                          : std::chrono::ceil<std::chrono::milliseconds>(due.next_fire - now_wall);
    next = std::min(next, now + until_fire);
    // Something paused: its resume by another process is seen within max_age.
    if (due.any_paused) next = std::min(next, now + pauses_.max_age());
  }
  return next;
}

void JobEngine::SetSchedules(std::vector<ScheduleSpec> schedules) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_schedules_ = std::move(schedules);
  }
  // Taken up at once (a watcher added by a reload polls now), not at the maintainer's next
  // heartbeat, up to a third of the lease away.
  WakeMaintainer();
}

Steady::time_point JobEngine::EnforceTimeouts() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = Steady::now();
  auto next = Steady::time_point::max();
  for (auto& [id, c] : inflight_) {
    if (c->timed_out) continue;
    const KindSpec* spec = registry_.Find(c->job.kind);
    if (spec == nullptr) continue;
    // A job not started yet starts at the earliest now: its timeout cannot pass before then.
    auto deadline = (c->started == Steady::time_point{} ? now : c->started) + spec->timeout;
    if (c->started != Steady::time_point{} && now > deadline) {
      c->timed_out = true;
      c->cancel->Cancel();
      spdlog::warn("job {} ({}) passed its {} ms timeout: cancelling", id, c->job.kind, spec->timeout.count());
      continue;
    }
    // Just past the deadline, so the next pass sees it passed.
    next = std::min(next, deadline + std::chrono::milliseconds(1));
  }
  return next;
}

// Jobs claimed but not started go back at once, without counting an attempt.
void JobEngine::HandBackReady() {
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, q] : queues_) {
      for (auto& c : q.ready) {
        ids.push_back(c->job.id);
        inflight_.erase(c->job.id);
      }
      q.ready.clear();
    }
  }
  if (ids.empty()) return;
  auto db = OpenSqlConnection(options_.database);
  Status s = db.ok() ? ReleaseJobs(**db, ids, options_.node_id, clock_.Now(), false) : db.status();
  if (!s.ok()) spdlog::warn("handing back {} unstarted jobs failed (their leases will expire): {}", ids.size(), s.message());
  else spdlog::info("handed back {} unstarted jobs", ids.size());
}

void JobEngine::Stop(std::chrono::milliseconds deadline) {
  if (!started_) return;
  started_ = false;
  RemoveEnqueueObserver(enqueue_observer_);  // no Wake() from a commit after this
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_claiming_ = true;
  }
  fetch_cv_.notify_all();
  listen_stop_.Signal();
  if (fetch_thread_.joinable()) fetch_thread_.join();
  HandBackReady();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!handlers_cv_.wait_for(lock, deadline, [this] { return active_handlers_ == 0; })) {
      spdlog::warn("{} jobs still running at the stop deadline: cancelling and handing them back", active_handlers_);
      for (auto& [id, c] : inflight_) {
        if (c->started != std::chrono::steady_clock::time_point{}) {
          c->handed_back = true;
          c->cancel->Cancel();
        }
      }
    }
    stop_workers_ = true;
  }
  for (auto& [name, q] : queues_) q.work_cv.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_all_ = true;
  }
  complete_cv_.notify_all();
  maintain_cv_.notify_all();
  if (complete_thread_.joinable()) complete_thread_.join();
  if (maintain_thread_.joinable()) maintain_thread_.join();
  // Last: reconnecting (the database away) it waits for stop_all_.
  if (listen_thread_.joinable()) listen_thread_.join();
}

namespace {

// jobs.queues: queue name -> workers, with the bounds of jobs.workers.
Result<std::map<std::string, int>> QueuesFrom(const Config& config) {
  const KeySpec& workers = *FindKeySpec("jobs.workers");
  const auto queues = config.Get("jobs.queues");
  BlockReader block(config, queues, "jobs.queues");
  if (queues.is_null()) return std::map<std::string, int>{};
  if (!queues.is_object()) return block.Error("", "expected a map of queue names to worker counts");
  std::map<std::string, int> out;
  for (auto it = queues.begin(); it != queues.end(); ++it) {
    Status s = block.Read(it.key(), &out[it.key()], static_cast<int>(workers.min), static_cast<int>(workers.max));
    if (!s.ok()) return s;
  }
  return out;
}

}  // namespace

Result<JobEngineOptions> JobEngineOptionsFrom(const Config& config) {
  JobEngineOptions o;
  o.database = DatabaseTarget(config);
  int workers = static_cast<int>(config.GetInt("jobs.workers"));
  auto queues = QueuesFrom(config);
  if (!queues.ok()) return queues.status();
  o.queues = std::move(*queues);
  if (!o.queues.count("default")) o.queues["default"] = workers;
  o.lease = config.GetDuration("jobs.lease");
  o.poll_interval = config.GetDuration("jobs.poll_interval");
  o.retention = config.GetDuration("jobs.retention");
  auto int_or_auto = [&](const char* key) {
    return config.Get(key).is_string() ? JobEngineOptions::kAuto : static_cast<int>(config.GetInt(key));
  };
  o.claim_batch = int_or_auto("jobs.claim_batch");
  o.prefetch = int_or_auto("jobs.prefetch");
  o.rescue_interval = std::max(std::chrono::milliseconds(500), o.lease / 3);
  o.node_id = HostName() + ":" + std::to_string(getpid()) + ":" + std::to_string(ToMicros(std::chrono::system_clock::now()) % 1000000);
  return o;
}

}  // namespace vigil

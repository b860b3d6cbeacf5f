// JobEngine's maintainer and listener threads, and Stop(). Threads and locks: see job_engine.h.
#include <spdlog/spdlog.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "common/metrics.h"
#include "config/config.h"
#include "config/block_reader.h"
#include "config/schema.h"
#include "jobs/engine/job_engine.h"
#include "store/change_feed_repo.h"
#include "store/db_time.h"
#include "jobs/engine/database_target.h"

namespace vigil {
namespace {

using Steady = std::chrono::steady_clock;

std::string HostName() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

Status UpsertNode(SqlConnection& db, const std::string& node_id, TimePoint now, bool stopping) {
  int64_t us = ToMicros(now);
  auto r = db.Query("INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at, stopped_at)"
                    " VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = $5,"
                    " stopped_at = $6",
                    {node_id, HostName(), int64_t(getpid()), std::string(VIGIL_VERSION), us,
                     stopping ? SqlValue(us) : SqlValue(SqlNull{})});
  return r.status();
}

// Hands back at once the jobs of daemons on this host whose process is gone (killed with -9, or
// crashed), instead of waiting for their leases to run out: a daemon restarted after kill -9
// resumes its work right away. On PostgreSQL another machine may carry the same host name, so
// there the node's heartbeat must also have stopped; a SQLite file is one machine's.
void RescueJobsOfGoneLocalNodes(SqlConnection& db, const std::string& self, TimePoint now, std::chrono::milliseconds heartbeat) {
  auto nodes = UnstoppedNodesOn(db, HostName(), self);
  if (!nodes.ok()) return (void)spdlog::warn("looking for gone nodes: {}", nodes.error());
  int64_t stale_before = ToMicros(now - 3 * heartbeat);
  for (const auto& n : *nodes) {
    if (n.pid <= 0 || kill(static_cast<pid_t>(n.pid), 0) == 0 || errno != ESRCH) continue;
    if (db.dialect() != "sqlite" && n.heartbeat_us >= stale_before) continue;
    auto rescued = RescueJobsOfGoneNode(db, n.node_id, now);
    if (!rescued.ok()) spdlog::warn("handing back the jobs of node {}, whose process is gone: {}", n.node_id, rescued.error());
    else if (*rescued > 0) spdlog::warn("handed back {} jobs of node {}, whose process is gone", *rescued, n.node_id);
  }
}

}  // namespace

void JobEngine::RegisterNode(SqlConnection& db) {
  Status s = UpsertNode(db, options_.node_id, clock_.Now(), false);
  if (!s.ok()) spdlog::warn("registering node {}: {}", options_.node_id, s.message());
  RescueJobsOfGoneLocalNodes(db, options_.node_id, clock_.Now(), options_.rescue_interval);
}

void JobEngine::MaintainLoop() {
  auto db = ConnectWithRetry("maintainer");
  if (!db) return;
  (void)UpsertNode(*db, options_.node_id, clock_.Now(), false);
  auto last_rescue = Steady::now() - options_.rescue_interval;
  auto last_prune = Steady::now();
  auto last_metrics = Steady::now() - std::chrono::seconds(10);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_all_) break;
    }
    if (!db->healthy()) {
      db = ConnectWithRetry("maintainer");
      if (!db) return;
    }
    Maintain(*db, last_rescue, last_prune, last_metrics);
    std::unique_lock<std::mutex> lock(mu_);
    maintain_cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_all_; });
  }
  (void)UpsertNode(*db, options_.node_id, clock_.Now(), true);
}

void JobEngine::Maintain(SqlConnection& db, Steady::time_point& last_rescue, Steady::time_point& last_prune,
                         Steady::time_point& last_metrics) {
  EnforceTimeouts();
  // Leases: extend every claimed job's lease well before it runs out.
  std::vector<int64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, c] : inflight_) ids.push_back(id);
  }
  auto now_steady = Steady::now();
  if (now_steady - last_rescue >= options_.rescue_interval) {
    last_rescue = now_steady;
    Status s = ExtendLeases(db, ids, options_.node_id, clock_.Now() + options_.lease);
    if (!s.ok()) spdlog::warn("extending leases: {}", s.message());
    RescueJobsOfGoneLocalNodes(db, options_.node_id, clock_.Now(), options_.rescue_interval);
    auto rescued = RescueExpiredJobs(db, clock_.Now());
    if (rescued.ok() && *rescued > 0) {
      spdlog::warn("rescued {} jobs whose lease expired", *rescued);
      Wake();
    }
    (void)UpsertNode(db, options_.node_id, clock_.Now(), false);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_schedules_) {
      scheduler_ = Scheduler(std::move(*pending_schedules_));
      pending_schedules_.reset();
    }
  }
  if (scheduler_.size() > 0) {
    auto next = scheduler_.Tick(db, clock_.Now(), *pauses_.Get(db));
    if (!next.ok()) spdlog::warn("{}", next.error());
    else Wake();
  }
  if (now_steady - last_prune >= std::chrono::hours(1)) {
    last_prune = now_steady;
    auto pruned = PruneJobs(db, clock_.Now() - options_.retention);
    if (pruned.ok() && *pruned > 0) spdlog::info("pruned {} finished jobs", *pruned);
    (void)scheduler_.PruneFires(db, clock_.Now() - std::chrono::hours(24 * 30));
    // The live stream resumes within a day; older changes only take room.
    (void)PruneChanges(db, clock_.Now() - std::chrono::hours(24));
  }
  if (now_steady - last_metrics >= std::chrono::seconds(5)) {
    last_metrics = now_steady;
    SampleQueueMetrics(db);
  }
}

void JobEngine::SampleQueueMetrics(SqlConnection& db) {
  auto r = db.Query("SELECT queue, kind, COUNT(*), MIN(run_at) FROM vigil_jobs WHERE state IN ('available', 'retryable')"
                    " AND run_at <= $1 GROUP BY queue, kind",
                    {ToMicros(clock_.Now())});
  if (!r.ok()) return;
  for (const auto& row : r->rows) {
    Labels labels{{"kind", row.Text(1)}, {"queue", row.Text(0)}};
    Metrics::Global().Set("vigil_jobs_available", labels, static_cast<double>(row.Int(2)));
    double age = std::max<double>(0, (ToMicros(clock_.Now()) - row.Int(3)) / 1e6);
    Metrics::Global().Set("vigil_jobs_oldest_available_age_seconds", labels, age);
  }
}

void JobEngine::SetSchedules(std::vector<ScheduleSpec> schedules) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_schedules_ = std::move(schedules);
}

void JobEngine::EnforceTimeouts() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = Steady::now();
  for (auto& [id, c] : inflight_) {
    if (c->started == Steady::time_point{} || c->timed_out) continue;
    const KindSpec* spec = registry_.Find(c->job.kind);
    if (spec != nullptr && now - c->started > spec->timeout) {
      c->timed_out = true;
      c->cancel->Cancel();
      spdlog::warn("job {} ({}) passed its {} ms timeout: cancelling", id, c->job.kind, spec->timeout.count());
    }
  }
}

void JobEngine::ListenLoop() {
  std::unique_ptr<SqlConnection> db;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_all_ || stop_claiming_) return;
    }
    if (!db || !db->healthy()) {
      db = ConnectWithRetry("listener");
      if (!db) return;
      Status s = db->Listen("vigil_jobs");
      if (!s.ok()) {
        spdlog::warn("{}", s.message());
        db.reset();
        continue;
      }
      Wake();  // anything enqueued while we were not listening
    }
    auto n = db->WaitForNotifications(std::chrono::milliseconds(200));
    if (n.ok() && *n > 0) Wake();
  }
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
  if (fetch_thread_.joinable()) fetch_thread_.join();
  if (listen_thread_.joinable()) listen_thread_.join();
  HandBackReady();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!maintain_cv_.wait_for(lock, deadline, [this] { return active_handlers_ == 0; })) {
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
  work_cv_.notify_all();
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
  o.claim_batch = static_cast<int>(config.GetInt("jobs.claim_batch"));
  o.prefetch = static_cast<int>(config.GetInt("jobs.prefetch"));
  o.rescue_interval = std::max(std::chrono::milliseconds(500), o.lease / 3);
  o.node_id = HostName() + ":" + std::to_string(getpid()) + ":" + std::to_string(ToMicros(std::chrono::system_clock::now()) % 1000000);
  return o;
}

}  // namespace vigil

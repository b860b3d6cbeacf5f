// The claim/run path of JobEngine; recording outcomes lives in job_engine_complete.cpp, maintenance
// in job_engine_maintenance.cpp, the listener in job_engine_listen.cpp.
// Threads and locks: see job_engine.h. No database call is made while holding mu_.
#include "jobs/engine/job_engine.h"

#include <spdlog/spdlog.h>

#include <random>

#include "common/json_depth.h"
#include "common/memory_trim.h"
#include "common/metrics.h"
#include "common/thread_name.h"
#include "store/db_time.h"
#include "store/reconnect.h"

namespace vigil {
namespace {

thread_local std::mt19937_64 tl_rng{std::random_device{}()};

double Unit() { return std::uniform_real_distribution<double>(0, 1)(tl_rng); }

}  // namespace

JobEngine::JobEngine(JobEngineOptions options, const JobRegistry& registry, std::vector<ScheduleSpec> schedules,
                     const Clock& clock)
    : options_(std::move(options)), registry_(registry), scheduler_(std::move(schedules)), clock_(clock) {
  for (const auto& [name, n] : options_.queues) {
    queues_[name].concurrency = std::max(1, n);
    queues_[name].adaptive = AdaptivePrefetch(n);
  }
  gather_enough_ = 0;
  for (const auto& [name, q] : queues_) gather_enough_ += static_cast<size_t>(q.concurrency);
  gather_enough_ = std::max<size_t>(1, gather_enough_) * kGatherPerWorker;
  if (options_.prefetch < 0 && options_.prefetch != JobEngineOptions::kAuto) options_.prefetch = 0;
  if (options_.claim_batch <= 0 && options_.claim_batch != JobEngineOptions::kAuto) options_.claim_batch = 1;
}

JobEngine::~JobEngine() {
  if (started_) Stop(std::chrono::milliseconds(0));
}

std::unique_ptr<SqlConnection> JobEngine::ConnectWithRetry(const char* who) {
  Reconnect reconnect(options_.database, std::string("job engine ") + who);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_all_) return nullptr;
    }
    auto conn = reconnect.TryOpen();
    if (conn.ok()) return std::move(conn.value());
    std::unique_lock<std::mutex> lock(mu_);
    maintain_cv_.wait_for(lock, reconnect.Wait(), [this] { return stop_all_; });
  }
}

Status JobEngine::Start() {
  auto probe = OpenSqlConnection(options_.database);
  if (!probe.ok()) return probe.status();
  started_ = true;
  // Any commit in this process that enqueued wakes the fetcher (store/job_repo.h).
  enqueue_observer_ = AddEnqueueObserver([this](const std::vector<EnqueuedJob>&) { Wake(); });
  // Registered before the first claim, so that if this process is killed its jobs can be handed
  // back by the next daemon on this host at once (see RegisterNode).
  RegisterNode(**probe);
  fetch_thread_ = std::thread([this] { FetchLoop(); });
  complete_thread_ = std::thread([this] { CompleteLoop(); });
  maintain_thread_ = std::thread([this] { MaintainLoop(); });
  listen_thread_ = std::thread([this] { ListenLoop(); });
  for (const auto& [name, q] : queues_) {
    for (int i = 0; i < q.concurrency; ++i) workers_.emplace_back([this, name = name] { WorkLoop(name); });
  }
  Metrics::Global().Describe("vigil_jobs_enqueued_total", "counter", "Jobs enqueued by this node, by kind and queue.");
  Metrics::Global().Describe("vigil_jobs_completed_total", "counter", "Jobs completed, by kind and queue.");
  Metrics::Global().Describe("vigil_jobs_failed_total", "counter", "Job attempts that failed and will be retried.");
  Metrics::Global().Describe("vigil_jobs_discarded_total", "counter", "Jobs discarded after their last attempt.");
  Metrics::Global().Describe("vigil_jobs_running", "gauge", "Jobs running on this node, by queue.");
  Metrics::Global().Describe("vigil_jobs_available", "gauge", "Runnable jobs waiting, by kind and queue.");
  Metrics::Global().Describe("vigil_jobs_oldest_available_age_seconds", "gauge", "Age of the oldest runnable job, by kind and queue.");
  Metrics::Global().Describe("vigil_job_duration_seconds", "histogram", "Handler run time, by kind.");
  return Status::Ok();
}

void JobEngine::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
    ++wakes_;
  }
  fetch_cv_.notify_one();
}

Result<std::vector<EnqueueResult>> JobEngine::Enqueue(SqlConnection& db, const std::vector<JobSpec>& jobs) {
  return EnqueueJobs(db, jobs, clock_.Now());  // counted, and the engine woken, by the enqueue observer
}

void JobEngine::PausesChanged() {
  pauses_.Invalidate();
  Wake();
  WakeMaintainer();  // a resumed kind's schedules fire now
}

void JobEngine::WakeMaintainer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    maintain_wake_ = true;
  }
  maintain_cv_.notify_all();
}

std::vector<std::string> JobEngine::QueueNames() const {
  std::vector<std::string> out;
  for (const auto& [name, q] : queues_) out.push_back(name);
  return out;
}

size_t JobEngine::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(active_handlers_);
}

// A claim need not be on disk before its job runs: a claim lost in a crash leaves the job
// available and it runs again, as after any crash. So claims do not wait for the disk
// (RelaxCommitSync). On SQLite neither do a handler's own commits (a triage job's verdict, say):
// they can only be lost with the machine (power, kernel), and vigil's in-memory outcomes with
// them; a WAL is one sequence, so the job's outcome, committed synced afterwards, makes them
// durable too, and until then the job is not done and runs again. Without this each triage job
// cost an fsync of its own. Not on PostgreSQL: its server can crash alone (found by
// DbOutageE2E), losing an unsynced handler commit while vigil lives on to commit the outcome.
static std::unique_ptr<SqlConnection> Relaxed(std::unique_ptr<SqlConnection> db) {
  if (db) (void)RelaxCommitSync(*db);
  return db;
}

// The maintainer's commits too, on SQLite only: a heartbeat, a lease renewal or a rescue lost
// with the machine is done again by the next one, and a schedule's fire lost with its record is
// found missed at the next start (catch_up). Each heartbeat cost an fsync, the most frequent
// wake-up of an idle daemon's disk. Not on PostgreSQL, for the reason above: a fire the server
// lost alone would be one vigil believes recorded.
std::unique_ptr<SqlConnection> JobEngine::RelaxedOnSqlite(std::unique_ptr<SqlConnection> db) {
  return db && db->dialect() == "sqlite" ? Relaxed(std::move(db)) : std::move(db);
}

void JobEngine::FetchLoop() {
  NameThisThread("jobs-fetch");
  auto db = Relaxed(ConnectWithRetry("fetcher"));
  while (db) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stop_claiming_) break;
      wake_ = false;
      claim_limited_ = false;
      round_started_ = std::chrono::steady_clock::now();
    }
    ClaimRoundResult round = ClaimRound(*db);
    if (!db->healthy()) {
      db.reset();
      db = Relaxed(ConnectWithRetry("fetcher"));
      continue;
    }
    if (round.full) continue;  // there may be more: claim again at once
    // Sleep until a job can be due. Jobs claimed now wake this thread when they finish only if
    // they matter to it (room held back, a retry's new run_at): a delayed job's run_at is this
    // thread's own to keep. It is read only when a claim came back short: a round held back for
    // want of room has due jobs waiting and is woken when room frees, and under a backlog the
    // read (MIN(run_at) past now, over every due job of the queue's index) cost more than a claim.
    auto wait = round.drained ? IdleWait(*db) : KnownWait();
    // While something is paused, look again soon enough to see its resume within max_age.
    if (!pauses_.Get(*db)->empty()) wait = std::min(wait, pauses_.max_age());
    std::unique_lock<std::mutex> lock(mu_);
    fetch_sleeping_ = true;
    fetch_until_ = clock_.Now() + wait;
    fetch_cv_.wait_for(lock, wait, [this] { return wake_ || stop_claiming_; });
    fetch_sleeping_ = false;
  }
}

// Under a stream of enqueues most rounds find nothing (the previous one took the job) and each
// would ask for the next run_at: it is asked at most every kNextRunAtEvery, and in between the
// fetcher sleeps no longer than until it may ask again (a wake-up usually comes first).
std::chrono::milliseconds JobEngine::IdleWait(SqlConnection& db) {
  constexpr std::chrono::milliseconds kNextRunAtEvery{200};
  auto steady = std::chrono::steady_clock::now();
  auto wait = options_.poll_interval;
  if (steady - next_run_read_at_ < kNextRunAtEvery) {
    wait = std::chrono::ceil<std::chrono::milliseconds>(next_run_read_at_ + kNextRunAtEvery - steady);
  } else {
    next_run_read_at_ = steady;
    next_run_at_.reset();
    auto now = clock_.Now();
    for (const auto& [name, q] : queues_) {
      auto next = NextRunAt(db, name, now);
      if (!next.ok()) return std::min(wait, std::chrono::milliseconds(1000));  // look again soon
      if (*next && (!next_run_at_ || **next < *next_run_at_)) next_run_at_ = *next;
    }
  }
  return std::min(wait, KnownWait());
}

std::chrono::milliseconds JobEngine::KnownWait() {
  auto wait = options_.poll_interval;
  if (next_run_at_ && *next_run_at_ <= clock_.Now()) next_run_at_.reset();  // due: the next claim takes it
  if (next_run_at_) {
    auto now = clock_.Now();
    auto until = std::chrono::ceil<std::chrono::milliseconds>(*next_run_at_ - now) + std::chrono::milliseconds(1);
    wait = std::min({wait, std::max(until, std::chrono::milliseconds(1)), options_.clock_check});
  }
  return wait;
}

// Claims for every queue with room.
JobEngine::ClaimRoundResult JobEngine::ClaimRound(SqlConnection& db) {
  ClaimRoundResult result;
  auto paused = pauses_.Get(db);
  for (auto& [name, q] : queues_) {
    if (paused->queues.count(name)) continue;
    bool adaptive = options_.prefetch == JobEngineOptions::kAuto;
    int prefetch = adaptive ? q.adaptive.extra() : options_.prefetch;
    int room;
    {
      std::lock_guard<std::mutex> lock(mu_);
      room = q.concurrency + prefetch - q.busy - static_cast<int>(q.ready.size());
      // With auto, jobs whose outcome is not yet committed count too, so that what this node holds
      // leased never passes the documented bound (adaptive_prefetch.h).
      if (adaptive) room -= q.uncommitted;
      // With auto, while the workers have a round of claimed jobs queued, wait for room for a
      // batch: half of what the queue may hold. Each outcome's commit frees a few places; claiming
      // them one commit at a time made a claim per few jobs, their fixed cost (the index scan,
      // the rows SKIP LOCKED passes) paid per handful where a daemon has few workers.
      if (adaptive && room > 0 && static_cast<int>(q.ready.size()) >= q.concurrency &&
          room < (q.concurrency + prefetch) / 2) {
        room = 0;
      }
      // A job finishing from now on frees room: it wakes the fetcher (WorkLoop, CompleteLoop).
      if (room <= 0) claim_limited_ = true;
    }
    if (room <= 0) continue;
    int want = options_.claim_batch == JobEngineOptions::kAuto ? room : std::min(room, options_.claim_batch);
    auto claimed = ClaimJobs(db, name, want, options_.node_id, clock_.Now(), options_.lease, paused->kinds);
    if (!claimed.ok()) {
      spdlog::warn("claiming jobs in queue {}: {}", name, claimed.error());
      std::unique_lock<std::mutex> lock(mu_);
      fetch_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_claiming_; });
      return {false, result.claimed};
    }
    if (adaptive) q.adaptive.AfterClaim(want, static_cast<int>(claimed->size()));
    if (static_cast<int>(claimed->size()) < want) result.drained = true;
    if (claimed->empty()) continue;
    result.full = result.full || static_cast<int>(claimed->size()) == want;
    result.claimed = true;
    bool sooner_timeout = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto now = std::chrono::steady_clock::now();
      for (auto& job : *claimed) {
        const KindSpec* spec = registry_.Find(job.kind);
        if (spec != nullptr && now + spec->timeout < maintain_deadline_) sooner_timeout = true;
        auto c = std::make_shared<Claimed>();
        c->job = std::move(job);
        c->cancel = std::make_shared<CancelToken>();
        inflight_[c->job.id] = c;
        q.ready.push_back(std::move(c));
      }
      if (sooner_timeout) maintain_timeouts_ = true;
    }
    // As many workers as there are jobs: the rest sleep on.
    for (size_t i = 0; i < claimed->size() && static_cast<int>(i) < q.concurrency; ++i) q.work_cv.notify_one();
    // The maintainer enforces timeouts: woken only if one of these could pass before it wakes.
    if (sooner_timeout) maintain_cv_.notify_all();
  }
  return result;
}

void JobEngine::WorkLoop(const std::string& queue) {
  NameThisThread("work-" + queue);
  std::unique_ptr<SqlConnection> owned;
  SqlConnection* worker_db = nullptr;
  bool ran_since_idle = false;  // a job ran since the last release: it may have opened connections
  for (;;) {
    std::shared_ptr<Claimed> c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto& q = queues_[queue];
      auto has_work = [&] { return stop_workers_ || !q.ready.empty(); };
      // After a job the worker waits a while for the next, then lets go of the connections it
      // opened (closing them here, on its own thread) and sleeps until work comes.
      if (ran_since_idle && !q.work_cv.wait_for(lock, options_.worker_idle_close, has_work)) {
        lock.unlock();
        ran_since_idle = false;
        ReleaseIdleWorker(worker_db, owned);
        continue;
      }
      q.work_cv.wait(lock, has_work);
      if (q.ready.empty() || stop_workers_) return;
      c = q.ready.front();
      q.ready.pop_front();
      q.busy++;
      active_handlers_++;
      c->started = std::chrono::steady_clock::now();
    }
    Metrics::Global().Set("vigil_jobs_running", {{"queue", queue}}, static_cast<double>(queues_[queue].busy));
    JobOutcome outcome = RunOne(*c, worker_db, owned);
    ran_since_idle = true;
    bool wake_fetcher, none_running, wake_completer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& q = queues_[queue];
      q.busy--;
      q.uncommitted++;
      active_handlers_--;
      outcomes_.emplace_back(outcome, c->job.kind);
      // Room freed matters only if the last round left jobs for want of it; with prefetch: auto
      // the room comes with the outcome's commit (CompleteLoop).
      wake_fetcher = claim_limited_ && options_.prefetch != JobEngineOptions::kAuto;
      if (wake_fetcher) wake_ = true;
      none_running = active_handlers_ == 0;
      wake_completer = completer_gathering_ ? none_running || outcomes_.size() >= gather_enough_ : outcomes_.size() == 1;
    }
    if (wake_completer) complete_cv_.notify_one();
    if (wake_fetcher) fetch_cv_.notify_one();
    if (none_running) handlers_cv_.notify_all();  // Stop() may wait for the last handler
  }
}

void JobEngine::ReleaseIdleWorker(SqlConnection*& worker_db, std::unique_ptr<SqlConnection>& owned) {
  worker_db = nullptr;
  owned.reset();
  if (options_.on_worker_idle) options_.on_worker_idle();
  // What the connections held (SQLite's schema and page cache, a few hundred KB each) is freed
  // into this thread's malloc arena, which keeps it resident unless told.
  ReturnFreedMemory();
}

JobOutcome JobEngine::RunOne(Claimed& c, SqlConnection*& worker_db, std::unique_ptr<SqlConnection>& owned) {
  JobOutcome out;
  out.id = c.job.id;
  const KindSpec* spec = registry_.Find(c.job.kind);
  if (spec == nullptr) {
    out.ok = false;
    out.discard = true;
    out.error = "no handler for job kind \"" + c.job.kind + "\" in this vigil";
    return out;
  }
  nlohmann::json args = ParseJsonOrDiscarded(c.job.args);
  if (args.is_discarded()) args = nlohmann::json::object();
  JobContext ctx{c.job, args, *c.cancel, clock_, options_.node_id,
                 [&]() -> Result<SqlConnection*> {
                   if (worker_db && worker_db->healthy()) return worker_db;
                   auto conn = OpenSqlConnection(options_.database);
                   if (!conn.ok()) return conn.status();
                   owned = RelaxedOnSqlite(std::move(conn.value()));
                   worker_db = owned.get();
                   return worker_db;
                 },
                 nullptr};
  ctx.enqueue = [&](const std::vector<JobSpec>& jobs) -> Status {
    auto db = ctx.db();
    if (!db.ok()) return db.status();
    return Enqueue(**db, jobs).status();
  };
  auto start = std::chrono::steady_clock::now();
  JobResult result;
  try {
    result = spec->handler(ctx);
  } catch (const std::exception& e) {
    result = JobResult::Retry(std::string("handler threw: ") + e.what());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Metrics::Global().Observe("vigil_job_duration_seconds", {{"kind", c.job.kind}}, secs);
  return OutcomeOf(c, *spec, std::move(result));
}

// What a handler's result means for its row: done; discarded; or retried (snoozed) at a time.
// A job vigil handed back while stopping, or that timed out, is not done unless it said so.
JobOutcome JobEngine::OutcomeOf(const Claimed& c, const KindSpec& spec, JobResult result) const {
  JobOutcome out;
  out.id = c.job.id;
  if (c.handed_back && result.kind != JobResult::Kind::kDone) {
    result = JobResult::Snooze(std::chrono::milliseconds(0), "handed back: vigil stopped while the job ran");
  } else if (c.timed_out && result.kind != JobResult::Kind::kDone) {
    result = JobResult::Retry("timed out after " + std::to_string(spec.timeout.count()) + " ms");
  }
  switch (result.kind) {
    case JobResult::Kind::kDone: break;
    case JobResult::Kind::kDiscard:
      out.ok = false;
      out.discard = true;
      out.error = result.error;
      break;
    case JobResult::Kind::kSnooze:
    case JobResult::Kind::kRetry: {
      out.ok = false;
      out.error = result.error.empty() ? "snoozed" : result.error;
      bool last = result.kind == JobResult::Kind::kRetry && c.job.attempt >= c.job.max_attempts;
      out.discard = last;
      auto delay = result.delay.count() > 0 || result.kind == JobResult::Kind::kSnooze
                       ? result.delay
                       : RetryDelay(spec.backoff, c.job.attempt, Unit());
      out.retry_at_us = ToMicros(clock_.Now() + delay);
      out.uncount_attempt = result.kind == JobResult::Kind::kSnooze;
      break;
    }
  }
  return out;
}

}  // namespace vigil

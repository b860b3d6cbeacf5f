// The claim path of JobEngine; running the claimed jobs lives in job_engine_work.cpp, recording
// outcomes in job_engine_complete.cpp, maintenance in job_engine_maintenance.cpp, the listener in
// job_engine_listen.cpp.
// Threads and locks: see job_engine.h. No database call is made while holding mu_.
#include "jobs/engine/job_engine.h"

#include <spdlog/spdlog.h>

#include "common/metrics.h"
#include "common/thread_name.h"
#include "store/reconnect.h"

namespace vigil {

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
    TimePoint claimed_at = clock_.Now();  // no later than any of the round's claims
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
    auto wait = round.drained ? IdleWait(*db, claimed_at) : KnownWait();
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
//
// The next run_at is asked past `claimed_at`, when the round began, not past now: a job the round
// saw but found not yet due may be due by now (a webhook event's triage job is due 20 ms after
// its enqueue, whose commit can take that long), and asked past now it was missed and the fetcher
// slept until the poll with the job due; its wake-up came before the round and was spent. Found
// due already, it is claimed at once.
std::chrono::milliseconds JobEngine::IdleWait(SqlConnection& db, TimePoint claimed_at) {
  constexpr std::chrono::milliseconds kNextRunAtEvery{200};
  auto steady = std::chrono::steady_clock::now();
  auto wait = options_.poll_interval;
  if (steady - next_run_read_at_ < kNextRunAtEvery) {
    wait = std::chrono::ceil<std::chrono::milliseconds>(next_run_read_at_ + kNextRunAtEvery - steady);
  } else {
    next_run_read_at_ = steady;
    next_run_at_.reset();
    for (const auto& [name, q] : queues_) {
      auto next = NextRunAt(db, name, claimed_at);
      if (!next.ok()) return std::min(wait, std::chrono::milliseconds(1000));  // look again soon
      if (*next && (!next_run_at_ || **next < *next_run_at_)) next_run_at_ = *next;
    }
    if (next_run_at_ && *next_run_at_ <= clock_.Now()) return std::chrono::milliseconds(0);
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

}  // namespace vigil

// The workers of JobEngine: each waits for its queue's claimed jobs, runs their handlers and
// hands the outcomes to the completer (job_engine_complete.cpp); idle, it lets go of its
// connections. Threads and locks: see job_engine.h. No database call is made while holding mu_.
#include "jobs/engine/job_engine.h"

#include <random>

#include "common/json_depth.h"
#include "common/memory_trim.h"
#include "common/metrics.h"
#include "common/thread_name.h"
#include "store/db_time.h"

namespace vigil {
namespace {

thread_local std::mt19937_64 tl_rng{std::random_device{}()};

double Unit() { return std::uniform_real_distribution<double>(0, 1)(tl_rng); }

}  // namespace

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
  // into this thread's malloc arena, which keeps it resident unless told; and the code that ran
  // since the maintainer's release after the burst (closing them among it) is let go again.
  ReturnIdleMemory();
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

#include "jobs/watch/watcher_job.h"

#include <spdlog/spdlog.h>

#include "common/metrics.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "store/event_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

// A failed pass: recorded on its watcher, counted; retried unless waiting will not heal it.
JobResult RecordFailedPass(SqlConnection& db, const RanPass& ran) {
  const WatcherPass& pass = ran.pass;
  PollFailure failure{*pass.failure, pass.next_poll_at == TimePoint{} ? ran.now : pass.next_poll_at, pass.permanent,
                      !pass.manual};
  if (pass.permanent) failure.next_allowed = ran.now;  // the normal schedule, no backoff
  (void)RecordPollFailure(db, ran.name, ran.now, failure);
  auto& metrics = Metrics::Global();
  metrics.Set("vigil_watcher_failing", {{"watcher", ran.name}}, 1);
  metrics.Inc("vigil_watcher_polls_total", {{"watcher", ran.name}, {"result", "failed"}});
  std::string error = ran.type + " watcher " + ran.name + ": " + (pass.permanent ? "permanent failure: " : "") + *pass.failure;
  // Waiting will not heal it, or a person asked for this run and sees its outcome.
  if (pass.permanent || pass.manual) return JobResult::Discard(error);
  return JobResult::Retry(error);
}

// Successful passes: their events (with their triage) and each watcher's new state, inside the
// caller's transaction. Returns how many new events each pass added.
Result<std::vector<int>> StorePassesInTx(SqlConnection& db, std::vector<RanPass>& passes) {
  std::vector<FoundEvents> found;
  std::vector<size_t> first_insert;  // per pass, its first row in `inserts`
  size_t rows = 0;
  for (RanPass& ran : passes) {
    first_insert.push_back(rows);
    rows += ran.pass.events.size();
    found.push_back({ran.name, ran.community, std::move(ran.pass.events), ran.pass.updates_existing});
  }
  first_insert.push_back(rows);
  auto inserts = WatcherEventInserts(db, std::move(found), passes.front().now);
  if (!inserts.ok()) return inserts.status();
  std::vector<EventInsertResult> stored;
  if (!inserts->empty()) {
    auto done = InsertEventsInTx(db, *inserts, passes.front().now);
    if (!done.ok()) return done.status();
    stored = std::move(*done);
  }
  std::vector<int> added;
  std::vector<PollSuccess> polls;
  for (size_t i = 0; i < passes.size(); ++i) {
    int n = passes[i].pass.stored_by_source;
    for (size_t k = first_insert[i]; k < first_insert[i + 1]; ++k) n += stored[k].inserted ? 1 : 0;
    added.push_back(n);
    if (!passes[i].pass.cursor.is_object()) continue;
    passes[i].pass.cursor["added"] = n;
    polls.push_back({passes[i].name, passes[i].now, passes[i].pass.cursor.dump()});
  }
  if (Status st = RecordPollSuccesses(db, polls); !st.ok()) return st;
  return added;
}

// After the commit: the passes' metrics and log lines.
void CountStoredPass(const RanPass& ran, int added) {
  auto& metrics = Metrics::Global();
  metrics.Set("vigil_watcher_failing", {{"watcher", ran.name}}, 0);
  metrics.Set("vigil_watcher_last_success_timestamp_seconds", {{"watcher", ran.name}}, ToUnixSeconds(ran.now));
  metrics.Inc("vigil_watcher_polls_total", {{"watcher", ran.name}, {"result", "ok"}});
  metrics.Inc("vigil_watcher_events_total", {{"watcher", ran.name}}, added);
  if (!ran.pass.summary.empty() || added > 0) {
    spdlog::info("{} watcher {}: {}{} new", ran.type, ran.name, ran.pass.summary.empty() ? "" : ran.pass.summary + ", ", added);
  }
}

// Stores `passes` in one transaction and counts them; an error stores none of them.
Status StorePasses(SqlConnection& db, std::vector<RanPass>& passes) {
  if (passes.empty()) return Status::Ok();
  auto added = InTransactionValue<std::vector<int>>(db, true, [&] { return StorePassesInTx(db, passes); });
  if (!added.ok()) return added.status();
  for (size_t i = 0; i < passes.size(); ++i) CountStoredPass(passes[i], (*added)[i]);
  return Status::Ok();
}

}  // namespace

JobResult FinishWatcherPass(SqlConnection& db, RanPass ran) {
  if (ran.pass.skipped) return JobResult::Done();
  if (ran.pass.failure) return RecordFailedPass(db, ran);
  std::vector<RanPass> one;
  one.push_back(std::move(ran));
  Status st = StorePasses(db, one);
  if (!st.ok()) return JobResult::Retry(st.message());
  return JobResult::Done();
}

JobResult RunWatcherBatch(JobContext& ctx, const PassRunner& run_pass, std::chrono::milliseconds retry_after) {
  const auto& fires = ctx.args["batch"];
  if (!fires.is_array()) return JobResult::Discard("args.batch is not an array");
  std::vector<RanPass> to_store;
  std::vector<std::pair<size_t, RanPass>> failed;    // recorded after the store: a batch retried
                                                     // whole records each failure once
  std::vector<std::pair<size_t, JobResult>> others;  // fires ending without a store: by index
  for (size_t i = 0; i < fires.size(); ++i) {
    if (ctx.cancel.cancelled()) return JobResult::Retry("cancelled after " + std::to_string(i) + " of " + std::to_string(fires.size()) + " fires");
    JobContext fire{ctx.job, fires[i], ctx.cancel, ctx.clock, ctx.node_id, ctx.db, ctx.enqueue};
    auto ran = run_pass(fire);
    if (auto* result = std::get_if<JobResult>(&ran)) {
      others.emplace_back(i, *result);
      continue;
    }
    RanPass& pass = std::get<RanPass>(ran);
    if (pass.pass.skipped) continue;
    if (pass.pass.failure) {
      failed.emplace_back(i, std::move(pass));
      continue;
    }
    to_store.push_back(std::move(pass));
  }
  if (!to_store.empty() || !failed.empty()) {
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    Status st = StorePasses(**db, to_store);
    if (!st.ok()) return JobResult::Retry("storing " + std::to_string(to_store.size()) + " fires: " + st.message());
    for (const auto& [i, pass] : failed) others.emplace_back(i, RecordFailedPass(**db, pass));
  }
  std::vector<JobSpec> split;
  for (const auto& [i, r] : others) {
    if (r.kind == JobResult::Kind::kDone) continue;
    if (r.kind == JobResult::Kind::kDiscard) {
      spdlog::warn("{} job {}: fire {} of {} discarded: {}", ctx.job.kind, ctx.job.id, i + 1, fires.size(), r.error);
      continue;
    }
    auto after = r.delay > std::chrono::milliseconds(0) ? r.delay : retry_after;
    spdlog::warn("{} job {}: fire {} of {} runs again in a job of its own in {} ms: {}", ctx.job.kind, ctx.job.id, i + 1,
                 fires.size(), after.count(), r.error);
    split.push_back(JobSpec{.kind = ctx.job.kind,
                            .args = fires[i],
                            .queue = ctx.job.queue,
                            .priority = ctx.job.priority,
                            .run_at = ctx.clock.Now() + after,
                            // A snooze counts no attempt; a retry spent this one.
                            .max_attempts = std::max(1, ctx.job.max_attempts - (r.kind == JobResult::Kind::kRetry ? 1 : 0)),
                            // Once per fire, should the batch itself run again.
                            .unique_key = "split:" + std::to_string(ctx.job.id) + ":" + std::to_string(i)});
  }
  if (split.empty()) return JobResult::Done();
  Status st = ctx.enqueue(split);
  if (!st.ok()) return JobResult::Retry("enqueueing " + std::to_string(split.size()) + " failed fires: " + st.message());
  return JobResult::Done();
}

}  // namespace vigil

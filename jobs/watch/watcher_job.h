// The skeleton every watcher job shares (literature_poll, log_tail, scheduled_watcher): find the
// watcher's block as read at the last config load (done when it was removed, disabled or retyped
// since), take the worker's connection, run the source (the one part each type writes), store what
// it found (queued for triage), record the pass on the watcher's state, and count it.
//
//   KindSpec LogTailKind(const Runtime& runtime) {
//     ...
//     spec.handler = WatcherJob<LogWatcherSpec>(runtime, "log", &ParseLogWatchers, RunLogPass);
//   }
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "jobs/engine/backoff.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "sources/watcher_decls.h"
#include "store/event.h"

namespace vigil {

// What one run of a source found.
struct WatcherPass {
  std::vector<Event> events;       // to store, each with its triage job
  bool updates_existing = false;   // a stored event with the same source id is updated, not kept
  int stored_by_source = 0;        // new events the source stored itself, in its own transaction
  nlohmann::json cursor;           // recorded as the watcher's last success, with "added" (null: the source did)
  std::string summary;             // the end of the log line: "12 items", "fire 2026-...Z"
  bool skipped = false;            // nothing was due (a watcher backing off): no record, no count
  // A failure of the source itself (a feed that answers 500): recorded on the watcher, which shows
  // it, and retried; not before `next_poll_at` when it is set.
  std::optional<std::string> failure;
  TimePoint next_poll_at{};
  // The failure will not heal by waiting (a feed gone with 404/410, a 401/403, an invalid query:
  // ErrorKind::kPermanent): recorded and shown as permanent at once, not retried; the watcher
  // keeps its normal schedule.
  bool permanent = false;
  // A "run now" (the job's `manual` arg): its failure is shown but not retried, and it moves
  // neither the failure streak nor the next poll, so running a failing watcher by hand never
  // makes its next scheduled poll later.
  bool manual = false;
};

// What the source's run gets: the worker's connection, the job, its clock's now, the runtime,
// and the watcher's community.
struct WatcherRunContext {
  SqlConnection& db;
  JobContext& job;
  TimePoint now;
  const Runtime& runtime;
  const std::string& community;
};

template <class Spec>
using WatcherRun = std::function<Result<WatcherPass>(const Spec&, WatcherRunContext&)>;

// A source's run, ready to store: which watcher, and what it found.
struct RanPass {
  std::string type;  // "literature", "log", "scheduled"
  std::string name;
  std::string community;
  WatcherPass pass;
  TimePoint now;
};

// A watcher job's first half (find the watcher, run its source): the pass to store, or the job's
// result when there is nothing to store (the watcher is gone, the database is down, ...).
using PassRunner = std::function<std::variant<RanPass, JobResult>(JobContext&)>;

// Stores the pass's events, records it and counts it; the job's result. A failed pass records
// the failure and retries (or discards: permanent, or a run by hand); a successful pass stores its
// events, their triage and the watcher's new state in one transaction.
JobResult FinishWatcherPass(SqlConnection& db, RanPass ran);

// Runs the fires of a batch job (args {"batch": [each fire's args]}: the scheduler's, for schedules
// sharing a batch key) as if each were a job of its own, except that what the successful ones
// found is stored in one transaction (one commit, one triage round for the lot). A fire that would
// be retried (or snoozed) is split out into a job of its own: the same kind, queue, priority and
// args, run after the retry's delay (`retry_after` when it names none), allowed one attempt fewer
// than the batch (the one it spent; a snooze spends none); so one failing fire neither holds back
// nor reruns the others. A discarded fire is
// logged (the watcher's state shows why). Cancelled (shutdown, its timeout) or the store failing,
// the batch is retried whole: nothing of it was stored (the split-out fires are enqueued last, so
// a rerun does not split them twice).
JobResult RunWatcherBatch(JobContext& ctx, const PassRunner& run_pass, std::chrono::milliseconds retry_after);

// The first half of the handler of a watcher job kind: `parse` reads every enabled watcher of
// `type` (once per config load, through Runtime::Parsed), `run` is the source's part. A run's
// error (the database's, say) retries the job without touching the watcher's state.
template <class Spec>
PassRunner WatcherPassRunner(const Runtime& runtime, std::string type, Result<ParsedWatchers<Spec>> (*parse)(const Config&),
                             WatcherRun<Spec> run) {
  return [&runtime, type = std::move(type), parse, run = std::move(run)](JobContext& ctx) -> std::variant<RanPass, JobResult> {
    std::string name = ctx.args.value("watcher", "");
    auto watchers = runtime.Parsed(parse);
    if (!watchers->ok()) return JobResult::Retry(watchers->error());
    auto found = (*watchers)->find(name);
    if (found == (*watchers)->end()) return JobResult::Done();  // removed, disabled or retyped since
    const auto& [spec, community] = found->second;
    if (!spec.ok()) return JobResult::Discard(spec.error());
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    WatcherRunContext rc{**db, ctx, ctx.clock.Now(), runtime, community};
    auto pass = run(*spec, rc);
    if (!pass.ok()) return JobResult::Retry(type + " watcher " + name + ": " + pass.error());
    return RanPass{type, name, community, std::move(*pass), rc.now};
  };
}

// The handler of a watcher job kind: the run (WatcherPassRunner), then FinishWatcherPass; a batch
// job runs each of its fires (RunWatcherBatch), retried ones after `retry_after`.
template <class Spec>
JobHandler WatcherJob(const Runtime& runtime, std::string type, Result<ParsedWatchers<Spec>> (*parse)(const Config&),
                      WatcherRun<Spec> run, std::chrono::milliseconds retry_after = BackoffPolicy{}.base) {
  PassRunner run_pass = WatcherPassRunner(runtime, std::move(type), parse, std::move(run));
  return [run_pass = std::move(run_pass), retry_after](JobContext& ctx) -> JobResult {
    if (ctx.args.contains("batch")) return RunWatcherBatch(ctx, run_pass, retry_after);
    auto ran = run_pass(ctx);
    if (auto* result = std::get_if<JobResult>(&ran)) return *result;
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    return FinishWatcherPass(**db, std::move(std::get<RanPass>(ran)));
  };
}

}  // namespace vigil

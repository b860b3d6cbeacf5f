#include "jobs/watch/scheduled_watcher_job.h"

#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "common/metrics.h"
#include "sources/watcher_decls.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "sources/scheduled/scheduled_check.h"
#include "store/event_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

JobResult Fail(SqlConnection& db, const std::string& name, TimePoint now, const std::string& error) {
  (void)RecordPollFailure(db, name, now, error, now);
  Metrics::Global().Set("vigil_watcher_failing", {{"watcher", name}}, 1);
  return JobResult::Retry("scheduled watcher " + name + ": " + error);
}

JobResult Fire(const Runtime& runtime, JobContext& ctx) {
  std::string name = ctx.args.value("watcher", "");
  auto config = runtime.config();
  auto found = FindEnabledWatcher(*config, name, "scheduled");
  if (!found) return JobResult::Done();
  const auto& [w, index] = *found;
  auto spec = ParseScheduledWatcherSpec(*config, *w, index);
  if (!spec.ok()) return JobResult::Discard(spec.error());
  auto db = ctx.db();
  if (!db.ok()) return JobResult::Retry(db.error());
  auto now = ctx.clock.Now();
  nlohmann::json vars = {{"watcher", name}, {"fire_at", ctx.args.value("fire_at", FormatIso8601(now))}};
  auto events = RunScheduledCheck(*spec, vars, runtime.http(), **db, &ctx.cancel);
  if (!events.ok()) return Fail(**db, name, now, events.error());
  auto inserts = WatcherEventInserts(**db, name, w->value("community", ""), std::move(*events), now);
  if (!inserts.ok()) return JobResult::Retry(inserts.error());
  auto stored = InsertEvents(**db, *inserts, now);
  if (!stored.ok()) return JobResult::Retry(stored.error());
  int added = 0;
  for (const auto& r : *stored) added += r.inserted;
  nlohmann::json cursor = {{"fire_at", vars["fire_at"]}, {"events", inserts->size()}, {"added", added}};
  (void)RecordPollSuccess(**db, name, now, cursor.dump());
  Metrics::Global().Set("vigil_watcher_failing", {{"watcher", name}}, 0);
  Metrics::Global().Inc("vigil_watcher_events_total", {{"watcher", name}}, added);
  spdlog::info("scheduled watcher {}: fire {}, {} events, {} new", name, vars["fire_at"].get<std::string>(), inserts->size(), added);
  return JobResult::Done();
}

}  // namespace

KindSpec ScheduledWatcherKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "scheduled_watcher";
  spec.timeout = std::chrono::minutes(5);
  spec.backoff.base = std::chrono::seconds(10);
  spec.handler = [&runtime](JobContext& ctx) { return Fire(runtime, ctx); };
  return spec;
}

}  // namespace vigil

#include "jobs/watch/scheduled_watcher_job.h"

#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "common/metrics.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "jobs/watch/watcher_job.h"
#include "sources/scheduled/scheduled_check.h"
#include "sources/watcher_decls.h"
#include "store/event_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

Result<WatcherPass> Fire(const ScheduledWatcherSpec& spec, WatcherRunContext& rc) {
  WatcherPass pass;
  nlohmann::json vars = {{"watcher", spec.name}, {"fire_at", rc.job.args.value("fire_at", FormatIso8601(rc.now))}};
  auto events = RunScheduledCheck(spec, vars, rc.runtime.http(), rc.db, &rc.job.cancel);
  if (!events.ok()) {
    pass.failure = events.error();
    return pass;
  }
  pass.cursor = {{"fire_at", vars["fire_at"]}, {"events", events->size()}};
  pass.summary = "fire " + vars["fire_at"].get<std::string>() + ", " + std::to_string(events->size()) + " events";
  pass.events = std::move(*events);
  return pass;
}

}  // namespace

KindSpec ScheduledWatcherKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "scheduled_watcher";
  spec.timeout = std::chrono::minutes(5);
  spec.backoff.base = std::chrono::seconds(10);
  spec.handler = WatcherJob<ScheduledWatcherSpec>(runtime, "scheduled", &ParseScheduledWatchers, Fire);
  return spec;
}

}  // namespace vigil

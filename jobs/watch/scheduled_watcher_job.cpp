#include "jobs/watch/scheduled_watcher_job.h"

#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "common/metrics.h"
#include "jobs/engine/database_target.h"
#include "jobs/watch/watcher_event_inserts.h"
#include "jobs/watch/watcher_job.h"
#include "sources/scheduled/scheduled_check.h"
#include "sources/watcher_decls.h"
#include "store/event_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {
namespace {

// The database a sql check with `sql.database` reads: opened read-only for this fire and closed
// when it ends. A connection per fire, not per worker: nothing goes stale across a reload that
// changes the URL or an outage of that server, and a timed watcher fires at most once a second.
Result<std::unique_ptr<SqlConnection>> OpenReadTarget(const ScheduledWatcherSpec& spec, const Runtime& runtime) {
  SqlTarget target = DatabaseTarget(*runtime.config(), spec.database_url);
  target.read_only = true;
  auto db = OpenSqlConnection(target);
  if (!db.ok()) return db.status().WithContext("sql on " + spec.database_label);
  return db;
}

Result<WatcherPass> Fire(const ScheduledWatcherSpec& spec, WatcherRunContext& rc) {
  WatcherPass pass;
  nlohmann::json vars = {{"watcher", spec.name}, {"fire_at", rc.job.args.value("fire_at", FormatIso8601(rc.now))}};
  std::unique_ptr<SqlConnection> other;
  if (spec.check == ScheduledCheck::kSql && !spec.database_url.empty()) {
    auto opened = OpenReadTarget(spec, rc.runtime);
    if (!opened.ok()) {
      pass.failure = opened.error();  // the database is down: a failed fire, retried
      return pass;
    }
    other = std::move(*opened);
  }
  auto events = RunScheduledCheck(spec, vars, rc.runtime.http(), other ? *other : rc.db, &rc.job.cancel);
  if (!events.ok()) {
    pass.failure = events.error();
    pass.permanent = events.status().kind() == ErrorKind::kPermanent;  // an HTTP check answering 404: no retries
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
  spec.handler = WatcherJob<ScheduledWatcherSpec>(runtime, "scheduled", &ParseScheduledWatchers, Fire, spec.backoff.base);
  return spec;
}

}  // namespace vigil

// The `watcher_health` job (scheduled every jobs.watcher_health.every while notify.ops_channels
// names a channel): looks at each running watcher with `expect_every` or `alert_after` and raises
// one alert to the ops channels when it starts failing (alert_after polls in a row) or goes
// silent, and one when it recovers (watcher_health.h, NextAlert). The state move and the alert
// commit together, guarded by the state read (store/health_alert_repo.h), so a restart or a
// second daemon on the same database never repeats an alert. Disabled and not-yet-polled
// watchers keep their state untouched.
#pragma once

#include <nlohmann/json.hpp>

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/triage/triage_config.h"
#include "store/sql.h"

namespace vigil {

// One pass over `config`'s watchers; returns how many alerts it raised.
Result<int> CheckWatcherHealth(SqlConnection& db, const Config& config, const TriageSettings& settings, TimePoint now);

KindSpec WatcherHealthKind(const Runtime& runtime);

}  // namespace vigil

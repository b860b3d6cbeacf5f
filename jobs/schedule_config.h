// Schedules declared in the config (`jobs.schedules`), parsed into ScheduleSpecs. Errors name the
// file, line and key (`vigil.yaml:12:17: jobs.schedules[0].schedule: field 2 (hour) ...`).
#pragma once

#include <vector>

#include "config/config.h"
#include "jobs/engine/scheduler.h"

namespace vigil {

// The priority of the polls and tails watcher schedules enqueue (lower runs first; other jobs,
// among them the triage and delivery jobs those watchers' events enqueue, default to 0): intake
// before processing, so a triage backlog never starves the reading of a log (whose rotation will
// not wait) or a feed.
inline constexpr int kWatcherJobPriority = -10;

// jobs.schedules plus one schedule per enabled literature, log and scheduled watcher
// ("watcher:<name>", at kWatcherJobPriority; an interval one fires at once when it has never
// fired), and the triage, digest and maintenance schedules.
// Deriving them reads, and so checks, every block a schedule comes from: the watchers' specs,
// `communities:`, `triage:` and `notify:` (through ParseTriageSettings) and the maintenance jobs'
// blocks. That is why the daemon's start and reload and `vigil check` call it: its error is the
// first thing wrong in any of those blocks, with file:line:col.
Result<std::vector<ScheduleSpec>> SchedulesFrom(const Config& config);

// One schedule from a map with `schedule: CRON` or `every: DURATION` (+ jitter, tz, catch_up).
// `at` is the concrete config path for errors.
Result<ScheduleSpec> ParseScheduleSpec(const Config& config, const nlohmann::json& j, const std::string& at);

}  // namespace vigil

// Schedules declared in the config (`jobs.schedules`), parsed into ScheduleSpecs. Errors name the
// file, line and key (`vigil.yaml:12:17: jobs.schedules[0].schedule: field 2 (hour) ...`).
#pragma once

#include <vector>

#include "config/config.h"
#include "daemon/scheduler.h"

namespace vigil {

// jobs.schedules plus one poll schedule per enabled literature watcher ("watcher:<name>").
Result<std::vector<ScheduleSpec>> SchedulesFrom(const Config& config);

// One schedule from a map with `schedule: CRON` or `every: DURATION` (+ jitter, tz, catch_up).
// `at` is the concrete config path for errors.
Result<ScheduleSpec> ParseScheduleSpec(const Config& config, const nlohmann::json& j, const std::string& at);

}  // namespace vigil

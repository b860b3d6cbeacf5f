// The schedules of log and timed watchers, and the validation of their config blocks (bad RE2,
// a missing check, a cron error), so `vigil check`, start and reload reject them with file:line.
//
// - type: log       -> validated only: no schedule (daemon/log_wakeups.h runs its passes)
// - type: scheduled -> "watcher:<name>", kind scheduled_watcher, on `schedule:` (cron, `tz:`) or `every:`
#pragma once

#include <vector>

#include "config/config.h"
#include "jobs/engine/scheduler.h"

namespace vigil {

// Validates every log and scheduled watcher (enabled or not) and appends a schedule for each
// enabled scheduled one. Also checks the literature minimum for `every` (10 s).
Status AddLogAndScheduledWatcherSchedules(const Config& config, std::vector<ScheduleSpec>* out);

}  // namespace vigil

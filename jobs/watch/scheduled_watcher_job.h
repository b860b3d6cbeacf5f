// The `scheduled_watcher` job: one fire of a timed watcher (`type: scheduled`), fired by the
// schedule "watcher:<name>" with the fire time in args.fire_at. Its events are stored (deduplicated
// by the rendered dedupe_key) with a triage job each; the watcher's state shows the last outcome.
#pragma once

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"

namespace vigil {

KindSpec ScheduledWatcherKind(const Runtime& runtime);

}  // namespace vigil

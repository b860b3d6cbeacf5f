// The `scheduled_watcher` job: one fire of a timed watcher (`type: scheduled`), fired by the
// schedule "watcher:<name>" with the fire time in args.fire_at. Its events are stored (deduplicated
// by the rendered dedupe_key) with a triage job each; the watcher's state shows the last outcome.
// A sql check reads vigil's database on the worker's connection, or the `sql.database` it names
// on a read-only connection opened for the fire; a failure there (the server down, a refused
// write, a timeout) is the watcher's last error and the fire is retried.
#pragma once

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"

namespace vigil {

KindSpec ScheduledWatcherKind(const Runtime& runtime);

}  // namespace vigil

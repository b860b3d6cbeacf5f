// The queue gauges the job engine's maintainer samples with its heartbeat:
// vigil_jobs_available and vigil_jobs_oldest_available_age_seconds, by queue and kind.
//
// Threads: the maintainer's (one caller; Metrics::Global() is thread-safe).
#pragma once

#include <set>
#include <string>
#include <utility>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

// The (queue, kind) pairs the last sample found available.
using QueuePairs = std::set<std::pair<std::string, std::string>>;

// Sets the gauges from the jobs due by `now` and not yet claimed; the pairs in `shown` no longer
// available go back to 0, and `shown` becomes the pairs now available. False when the query failed
// (nothing changed then).
bool SampleQueueMetrics(SqlConnection& db, TimePoint now, QueuePairs& shown);

}  // namespace vigil

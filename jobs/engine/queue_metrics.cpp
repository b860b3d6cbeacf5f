#include "jobs/engine/queue_metrics.h"

#include <algorithm>

#include "common/metrics.h"
#include "store/db_time.h"

namespace vigil {

bool SampleQueueMetrics(SqlConnection& db, TimePoint now, QueuePairs& shown) {
  auto r = db.Query("SELECT queue, kind, COUNT(*), MIN(run_at) FROM vigil_jobs WHERE state IN ('available', 'retryable')"
                    " AND run_at <= $1 GROUP BY queue, kind",
                    {ToMicros(now)});
  if (!r.ok()) return false;
  QueuePairs gone = std::move(shown);
  shown.clear();
  for (const auto& row : r->rows) {
    Labels labels{{"kind", row.Text(1)}, {"queue", row.Text(0)}};
    Metrics::Global().Set("vigil_jobs_available", labels, static_cast<double>(row.Int(2)));
    double age = std::max<double>(0, (ToMicros(now) - row.Int(3)) / 1e6);
    Metrics::Global().Set("vigil_jobs_oldest_available_age_seconds", labels, age);
    gone.erase({row.Text(0), row.Text(1)});
    shown.insert({row.Text(0), row.Text(1)});
  }
  for (const auto& [queue, kind] : gone) {
    Labels labels{{"kind", kind}, {"queue", queue}};
    Metrics::Global().Set("vigil_jobs_available", labels, 0);
    Metrics::Global().Set("vigil_jobs_oldest_available_age_seconds", labels, 0);
  }
  return true;
}

}  // namespace vigil

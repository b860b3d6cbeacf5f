#include "jobs/job_kinds.h"

#include "jobs/deliver/deliver_job.h"
#include "jobs/deliver/digest_job.h"
#include "jobs/maintenance/maintenance_kinds.h"
#include "jobs/triage/retention_job.h"
#include "jobs/triage/triage_job.h"
#include "jobs/watch/literature_poll_job.h"
#include "jobs/watch/log_tail_job.h"
#include "jobs/watch/scheduled_watcher_job.h"
#include "jobs/watch/watcher_health_job.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Runtime& runtime) {
  JobRegistry registry;
  registry.Add(NoopKind());
  registry.Add(LiteraturePollKind(runtime));
  registry.Add(TriageKind(runtime));
  registry.Add(DeliverKind(runtime));
  registry.Add(CreateThreadKind(runtime));
  registry.Add(TriageRetentionKind(runtime));
  registry.Add(DigestKind(runtime));
  for (const auto& kind : MaintenanceKinds()) registry.Add(MaintenanceKindSpec(kind, runtime));
  registry.Add(LogTailKind(runtime));
  registry.Add(ScheduledWatcherKind(runtime));
  registry.Add(WatcherHealthKind(runtime));
  return registry;
}

}  // namespace vigil

#include "daemon/job_kinds.h"

#include "jobs/deliver_job.h"
#include "jobs/digest_job.h"
#include "jobs/literature_poll_job.h"
#include "jobs/retention_job.h"
#include "jobs/triage_job.h"
#include "jobs/maintenance_kinds.h"
#include "jobs/log_tail_job.h"
#include "jobs/scheduled_watcher_job.h"

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
  return registry;
}

}  // namespace vigil

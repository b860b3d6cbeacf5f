#include "daemon/job_kinds.h"

#include "jobs/literature_poll_job.h"
#include "jobs/log_tail_job.h"
#include "jobs/scheduled_watcher_job.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Runtime& runtime) {
  JobRegistry registry;
  registry.Add(NoopKind());
  registry.Add(LiteraturePollKind(runtime));
  registry.Add(LogTailKind(runtime));
  registry.Add(ScheduledWatcherKind(runtime));
  return registry;
}

}  // namespace vigil

#include "daemon/job_kinds.h"

#include "jobs/literature_poll_job.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Runtime& runtime) {
  JobRegistry registry;
  registry.Add(NoopKind());
  registry.Add(LiteraturePollKind(runtime));
  return registry;
}

}  // namespace vigil

#include "daemon/job_kinds.h"

#include "jobs/literature_poll_job.h"
#include "jobs/triage_placeholder.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Runtime& runtime) {
  JobRegistry registry;
  registry.Add(NoopKind());
  registry.Add(LiteraturePollKind(runtime));
  // Until the triage issue registers the real kind above this line.
  if (!registry.Find("triage")) registry.Add(TriagePlaceholderKind());
  return registry;
}

}  // namespace vigil

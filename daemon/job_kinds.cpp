#include "daemon/job_kinds.h"

#include "jobs/citation_verification_job.h"
#include "jobs/embedding_backfill_job.h"
#include "jobs/literature_poll_job.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Runtime& runtime) {
  JobRegistry registry;
  registry.Add(NoopKind());
  registry.Add(LiteraturePollKind(runtime));
  registry.Add(EmbeddingBackfillKind(runtime));
  registry.Add(CitationVerificationKind(runtime));
  return registry;
}

}  // namespace vigil

#include "daemon/job_kinds.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Config&) {
  JobRegistry registry;
  registry.Add(NoopKind());
  return registry;
}

}  // namespace vigil

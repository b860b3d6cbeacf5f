// Every job kind this vigil binary knows, registered in one place.
#pragma once

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"

namespace vigil {

// Kinds read the live config and the HTTP client through `runtime`, which must outlive them.
JobRegistry BuildJobRegistry(const Runtime& runtime);

}  // namespace vigil

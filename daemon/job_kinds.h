// Every job kind this vigil binary knows, registered in one place.
#pragma once

#include "config/config.h"
#include "daemon/job_types.h"

namespace vigil {

JobRegistry BuildJobRegistry(const Config& config);

}  // namespace vigil

// The database the config names (database.url, database.busy_timeout, database.uuid_format), as
// every part of the daemon and the CLI opens it.
#pragma once

#include <string>

#include "config/config.h"
#include "store/sql.h"

namespace vigil {

// vigil's own database.
SqlTarget DatabaseTarget(const Config& config);
// Another database a job reads or writes (a maintenance job's `database:`), opened with the same
// lock wait and id form.
SqlTarget DatabaseTarget(const Config& config, std::string url);

}  // namespace vigil

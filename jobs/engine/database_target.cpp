#include "jobs/engine/database_target.h"

namespace vigil {

SqlTarget DatabaseTarget(const Config& config) { return DatabaseTarget(config, config.DatabaseUrl()); }

SqlTarget DatabaseTarget(const Config& config, std::string url) {
  return {.url = std::move(url),
          .busy_timeout_ms = static_cast<int>(config.GetInt("database.busy_timeout")),
          .sqlite_uuid_form = config.DatabaseUuidForm()};
}

}  // namespace vigil

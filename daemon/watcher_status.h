// One watcher's status as `vigil watchers list` and GET /api/v1/watchers show it: its config
// (secrets redacted), last poll, last success, next poll, last error, failure streak, event count.
#pragma once

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "store/sql.h"

namespace vigil {

nlohmann::json WatcherStatusJson(SqlConnection& db, const nlohmann::json& watcher, const Config& config);

// "2026-11-24T19:00:00Z" for microseconds since the epoch, "-" for 0.
std::string UtcText(int64_t micros);

}  // namespace vigil

// One watcher's status as `vigil watchers list` and GET /api/v1/watchers show it: its config
// (secrets redacted), last poll, last success, next poll, last error and its kind ("permanent":
// will not heal by waiting; "transient": backing off), failure streak, event count.
#pragma once

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "jobs/watch/watcher_health.h"
#include "store/sql.h"

namespace vigil {

// A running platform row shows its own name, with `id` and `"source": "platform"`. With its
// health (watcher_health.h): "health", "expect_every" (text or null), "alert_after",
// "last_poll_at" and "last_event_at" (ISO or null), "events_per_day" (14 UTC days, oldest first).
nlohmann::json WatcherStatusJson(SqlConnection& db, const nlohmann::json& watcher, const Config& config);
// The same with what every watcher's health reads loaded once.
nlohmann::json WatcherStatusJson(SqlConnection& db, const nlohmann::json& watcher, const Config& config,
                                 const HealthContext& context);

// Every watcher of a running config (the YAML's, then the platform rows that run), then the
// platform rows that do not run, each with its `state` and `error` (Config::platform_watcher_rows()).
nlohmann::json WatchersStatusJson(SqlConnection& db, const Config& config);

// The block of the running watcher `name` names: a YAML watcher's name, a platform row's id, or a
// row's name when no YAML watcher and no other row has it; nullptr for none.
const nlohmann::json* FindRunningWatcher(const Config& config, const std::string& name);

// The error column of a status table: why a platform row does not run ("refused: ..."), else
// the watcher's last poll error ("permanent: HTTP 404 from ..." when it will not heal by waiting,
// `last_error_kind`), else "".
std::string WatcherErrorText(const nlohmann::json& item);

// "2026-11-24T19:00:00Z" for microseconds since the epoch, "-" for 0.
std::string UtcText(int64_t micros);

}  // namespace vigil

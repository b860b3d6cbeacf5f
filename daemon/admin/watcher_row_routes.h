// Managing the platform's watcher rows through the admin API (docs/watchers-platform.md):
//   POST   /api/v1/watchers                  201 the new row; 400 with `vigil check`'s message for a row
//                                            that could not run; 409 for a name the YAML defines
//   PATCH  /api/v1/watchers/<id-or-name>     200 the changed row (its `config` merged as a JSON merge
//                                            patch); 404; 400; 409 for a YAML watcher (change it there)
//   DELETE /api/v1/watchers/<id-or-name>     200 {"deleted": true} for a row with no events; a row with
//                                            events is disabled and kept, and the answer says so;
//                                            ?purge=true removes it with its events and notifications;
//                                            409 for a YAML watcher
// A row's secrets are never echoed ("(set)"). The daemon runs, changes or stops the row within
// platform_watchers.check_interval, as for a row the platform's UI writes.
//
// Threads: the handlers run on the API's request-path DbThread; `yaml` must be safe to call there.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "config/config.h"
#include "daemon/admin/admin_api.h"
#include "store/watcher_repo.h"

namespace vigil {

std::vector<ApiRoute> WatcherRowRoutes(std::function<std::shared_ptr<const Config>()> yaml);

// The "field" of a 400 (or 409) answer of POST/PATCH: the body key the message concerns, so the
// console can show it beside its field; "" when the message does not tell.
// A refusal of the body itself (ApplyRowChanges: "poll_interval_seconds: expected seconds, ..."):
// the key the message starts with; for a new row without a name or a type, the one missing.
std::string BodyErrorField(const nlohmann::json& body, const std::string& message);
// A refusal of the row as the daemon would run it (CheckWatcherRow, `vigil check`'s message,
// "watcher row "x" (id): schedule: ..."): a column's key ("name", "type", "community",
// "description", "query"; `every`, made from poll_interval_seconds, as "poll_interval_seconds"
// unless the row's config sets it), "config" for the config as a whole, else "config.<key>" with
// the top-level key of the row's config it concerns ("config.schedule" for a bad cron).
std::string CheckErrorField(const PlatformWatcherRow& row, const std::string& message);

}  // namespace vigil

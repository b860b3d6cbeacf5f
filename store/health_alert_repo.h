// Watcher health alerts (migration 0016): what notify.ops_channels were last told of each watcher
// (vigil_watcher_health), and the alerts raised (vigil_health_alerts), which the `deliver` job
// sends as it sends digests. An alert is about vigil itself: no event, no community, so it is not
// a row of the platform's `notifications` table.
//
// Threads: each caller passes its own connection.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

// watcher name -> "failing" | "silent" (watchers whose state is "" may be absent).
Result<std::map<std::string, std::string>> HealthAlertStates(SqlConnection& db);

// Moves the watcher's state from `from` to `to` inside the caller's transaction; false when it was
// not `from` any more (another daemon moved it first): the caller then raises nothing.
Result<bool> MoveHealthAlertStateInTx(SqlConnection& db, const std::string& watcher, const std::string& from,
                                      const std::string& to, TimePoint now);

struct HealthAlertRow {
  std::string id;
  std::string watcher;  // the name it runs under (a platform row: its id)
  std::string health;   // failing | silent | ok (a recovery)
  std::string title;
  std::string summary;
  int64_t created_at_us = 0;
};

// Inserts the alert (a new id) inside the caller's transaction; returns its id.
Result<std::string> InsertHealthAlertInTx(SqlConnection& db, const HealthAlertRow& alert);
Result<std::optional<HealthAlertRow>> GetHealthAlert(SqlConnection& db, const std::string& id);

// {"id", "watcher", "health", "signal": "high", "title", "summary", "created_at"}
nlohmann::json HealthAlertToJson(const HealthAlertRow& alert);

}  // namespace vigil

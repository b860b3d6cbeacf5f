// Watchers as the platform reads them: the `watchers` table (seeds/000), synced by name from the
// config file, which is the truth. Watchers vigil created and the config no longer names are
// disabled, not deleted (their events keep pointing at them).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct WatcherDecl {
  std::string name;
  std::string type;  // literature | webhook | scheduled | log
  std::string description;
  std::string community;  // subreddits.name; empty for none
  std::string query;
  std::optional<int64_t> poll_interval_seconds;
  bool enabled = true;
  nlohmann::json config = nlohmann::json::object();  // secrets already redacted
  bool auto_create_thread = false;
  double auto_thread_approval_rate = 0.8;
};

struct WatcherSyncReport {
  int created = 0;
  int updated = 0;
  int disabled = 0;
};

// In one transaction: upserts every declared watcher (creating its community row if missing)
// and disables vigil-managed watchers that are no longer declared.
Result<WatcherSyncReport> SyncWatchers(SqlConnection& db, const std::vector<WatcherDecl>& watchers, TimePoint now);

// The id of the watcher vigil syncs from its YAML under this name (vigil_watcher_names), or nullopt.
Result<std::optional<std::string>> WatcherIdByName(SqlConnection& db, const std::string& name);

// The id of the community with this name. A missing row is created with what the config declares
// for it (display name, description, purpose, participation model: store/community_repo.h), or
// the platform models' defaults; a row that exists is never changed.
Result<std::string> EnsureCommunity(SqlConnection& db, const std::string& name, TimePoint now);

}  // namespace vigil

// Watchers as the platform reads them: the `watchers` table (seeds/000), synced by name from the
// config file, which is the truth. Watchers vigil created and the config no longer names are
// disabled, not deleted (their events keep pointing at them).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <map>
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

// The id of the watcher vigil runs under this name, or nullopt: the one it syncs from its YAML
// (vigil_watcher_names), else a platform row whose id is `name` (a row runs under its id).
Result<std::optional<std::string>> WatcherIdByName(SqlConnection& db, const std::string& name);
// The same for several names at once (one statement per 500 for the synced ones, then one per
// name left, for platform rows): name -> id for the names found.
Result<std::map<std::string, std::string>> WatcherIdsByName(SqlConnection& db, const std::vector<std::string>& names);

// A row of `watchers` that vigil did not sync from its YAML, as stored (the id in the table's
// form; `community` is the subreddit's name, "" for none).
struct PlatformWatcherRow {
  std::string id;
  std::string name;
  std::string type;
  std::string description;
  std::string community;
  std::string query;
  int64_t poll_interval_seconds = 0;
  bool enabled = false;
  std::string config;  // JSON text
  bool auto_create_thread = false;
  double auto_thread_approval_rate = 0.8;
  std::string updated_at;
};

// Every such row, ordered by id: a read of the watchers table alone (and its communities' names),
// whatever the number of events.
Result<std::vector<PlatformWatcherRow>> ListPlatformWatcherRows(SqlConnection& db);

// One platform row by its id (either id form) or, when no other row has it, its name; nullopt for
// none (and for a row vigil syncs from its YAML: that one is the YAML's).
Result<std::optional<PlatformWatcherRow>> FindPlatformWatcherRow(SqlConnection& db, const std::string& id_or_name);

// Writes a platform row (the API's and `vigil watchers add|edit`): inserted when `row.id` is empty
// (its new id returned), else updated, `updated_at` set either way. `row.community` names a
// subreddit, created if missing.
Result<std::string> SavePlatformWatcherRow(SqlConnection& db, PlatformWatcherRow row, TimePoint now);

struct WatcherRowRemoval {
  bool deleted = false;   // the row is gone
  bool disabled = false;  // it had events: kept, disabled
  int64_t events = 0;     // its events (removed too when purged)
  int64_t notifications = 0;
};

// Removes a platform row: one with no events is deleted; one with events is disabled and kept,
// unless `purge`, which deletes it with its events, their notifications and vigil's rows for them,
// in one transaction.
Result<WatcherRowRemoval> RemovePlatformWatcherRow(SqlConnection& db, const std::string& id, bool purge, TimePoint now);

// True when a row's stored `config` says vigil syncs it from its YAML.
bool IsVigilManagedConfig(const std::string& config_json);

// The id of one of vigil's internal watchers (`vigil-citations-<community>` for the retractions
// citation verification announces), its row and its community's created when missing. Such a
// row is vigil's (config {"managed_by": "vigil", "internal": true}) but in no YAML: it is not
// listed as a platform row, not polled, and a sync leaves it enabled. `decl.config` gets the
// two keys; its other fields are written only when the row is created.
Result<std::string> EnsureInternalWatcher(SqlConnection& db, WatcherDecl decl, TimePoint now);

// The id of the community with this name. A missing row is created with what the config declares
// for it (display name, description, purpose, participation model: store/community_repo.h), or
// the platform models' defaults; a row that exists is never changed.
Result<std::string> EnsureCommunity(SqlConnection& db, const std::string& name, TimePoint now);

}  // namespace vigil

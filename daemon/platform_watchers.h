// The watchers the daemon runs: the YAML's, plus the rows of the platform's `watchers` table that
// the YAML does not define (the platform's UI creates those: literature, scheduled and webhook).
//
// A row becomes a block of the running config (Config::WithWatcherRows): its columns mapped to the
// YAML's keys (`query`, `every` from `poll_interval_seconds`, `community` from its subreddit's
// name, ...) and its `config` merged in. It runs under its id (the name its schedule, state and
// events are kept under; the webhook path `/hooks/<id>`, and `/hooks/<name>` when that name is
// unique among the rows, URL-safe and no YAML hook's path). Each row is checked alone against the
// YAML with every check `vigil check` runs, so a bad row shows its own error and every other
// watcher runs. A row named like a YAML watcher does not run: the YAML's wins.
//
// Threads: pure functions of their arguments; the daemon calls them on a DbThread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/http/hook_routes.h"
#include "jobs/engine/scheduler.h"
#include "store/watcher_repo.h"

namespace vigil {

// What became of one row.
struct WatcherRowStatus {
  std::string id;
  std::string name;
  std::string type;
  std::string state;  // running | disabled | refused | shadowed | off (platform_watchers.enabled is false)
  std::string error;  // why it does not run: refused (the check's message) and shadowed
  std::vector<std::string> paths;  // a running webhook row's paths
};

// Everything a config with rows derives, built before anything is applied.
struct WatcherSet {
  std::shared_ptr<const Config> config;  // the YAML's, with the rows that run appended to `watchers`
  std::vector<ScheduleSpec> schedules;
  std::shared_ptr<const HookTable> hooks;
  std::vector<WatcherRowStatus> rows;
};

// The set for `yaml` and `rows`. The error is the YAML's own (the first thing `vigil check` would
// say); a row's error is in its status.
Result<WatcherSet> BuildWatcherSet(std::shared_ptr<const Config> yaml, const std::vector<PlatformWatcherRow>& rows);

// BuildWatcherSet with the rows read from `db` (none read when platform_watchers.enabled is false);
// `*digest`, when given, gets their WatcherRowsDigest.
Result<WatcherSet> LoadWatcherSet(std::shared_ptr<const Config> yaml, SqlConnection& db, uint64_t* digest = nullptr);

// A digest of every column of the rows that a watcher's behaviour depends on (id, name, type,
// community, query, interval, enabled, config, thread settings, updated_at): equal digests, same
// watchers. A change that does not bump updated_at still changes it.
uint64_t WatcherRowsDigest(const std::vector<PlatformWatcherRow>& rows);

// Managing rows (POST/PATCH/DELETE /api/v1/watchers, `vigil watchers add|edit|rm`).
//
// `changes` applied to `row`: the keys `name`, `type`, `community`, `description`, `query`,
// `poll_interval_seconds`, `enabled`, `config` (merged as a JSON merge patch, RFC 7386: a key set to
// null is removed), `auto_create_thread`, `auto_thread_approval_rate`. An unknown key or a value of
// the wrong type is an error naming it. `creating` requires `name` and `type`.
Result<PlatformWatcherRow> ApplyRowChanges(PlatformWatcherRow row, const nlohmann::json& changes, bool creating);

// Why `row` could not run beside `config`'s watchers (the message `vigil check` gives it), or Ok.
// `*shadowed` is set when the reason is a YAML watcher of that name.
Status CheckWatcherRow(const std::shared_ptr<const Config>& config, const PlatformWatcherRow& row, bool* shadowed = nullptr);

// A row as the API answers it: its columns, its config with every secret shown as "(set)".
nlohmann::json WatcherRowJson(const PlatformWatcherRow& row);

// True when `name` is a watcher of the YAML (not a platform row) in the running `config`.
bool IsYamlWatcher(const Config& config, const std::string& name);

// Logs what changed between two sets' rows: "platform watcher row "x" (id, type) runs at /hooks/..",
// "does not run: <why>", "is disabled", "is gone".
void LogRowChanges(const std::vector<WatcherRowStatus>& before, const std::vector<WatcherRowStatus>& after);

// A row's status as the API and `vigil watchers list` show it.
nlohmann::json WatcherRowStatusJson(const WatcherRowStatus& status);

}  // namespace vigil

// What the platform-maintenance jobs (context_backup_coverage, crash_report_flush, ...) share:
// the outcome of one run, a progress callback, the job's target database (`database:` in the
// job's config block, default vigil's own) and the "tables missing: say so once, then wait" rule.
//
// Threads: RunOnce functions run on a job worker or on the CLI's main thread; the notice set is
// guarded by a mutex.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "common/status.h"
#include "config/config.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/maintenance/table_mapping.h"
#include "store/sql.h"

namespace vigil {

// `done` of `total` units of work finished (pairs, reports); called on the running thread.
using ProgressFn = std::function<void(size_t done, size_t total)>;

// What a run needs from its caller (the job engine or `vigil jobs run`).
struct MaintenanceEnv {
  const Config& config;
  SqlConnection& own_db;  // vigil's own database
  HttpClient& http;
  const CancelToken* cancel = nullptr;
  ProgressFn progress;
  TimePoint now = std::chrono::system_clock::now();
  std::string session_id;  // this vigil session (the engine's node id); "" in the CLI
  const Runtime* runtime = nullptr;  // the engine's (its settings parsed once per load); null in the CLI
};

// The job's settings: parsed once per config load when the engine runs the job (Runtime::Parsed),
// parsed from env.config when it is run by hand (`vigil jobs run`).
template <class T>
std::shared_ptr<const Result<T>> SettingsOf(const MaintenanceEnv& env, Result<T> (*parse)(const Config&)) {
  if (env.runtime != nullptr) return env.runtime->Parsed(parse);
  return std::make_shared<const Result<T>>(parse(env.config));
}

struct MaintenanceOutcome {
  nlohmann::json summary = nlohmann::json::object();  // the figures, for logs, the CLI and --json
  JobResult next = JobResult::Done();                 // Snooze when tables are missing, Retry on failure
};

// The job's database: the `database:` of its block (a URL, `{url: URL}` or the name of an entry of
// `databases:`, see config/databases.h), a relative sqlite path resolved against the config file's
// folder; "" when the block names none (vigil's own). Errors name file:line.
Result<std::string> JobDatabaseUrl(const Config& config, const nlohmann::json& block, const std::string& at);

// A connection to `url`, or to nothing (null, ok) when url is "" (use vigil's own).
Result<std::unique_ptr<SqlConnection>> OpenJobDatabase(const std::string& url, const Config& config);

// Tables of `names` that do not exist in `db`.
Result<std::vector<std::string>> MissingTables(SqlConnection& db, const std::vector<std::string>& names);

// How long a job whose tables are missing waits before it looks again.
inline constexpr std::chrono::minutes kMissingTablesWait{10};

// Logs "<job>: waiting: tables missing in <db_label>: ..." the first time this process sees this
// job miss these tables in this database, debug afterwards. Any thread.
void LogMissingTablesOnce(const std::string& job, const std::string& db_label, const std::vector<std::string>& missing);

// LogMissingTablesOnce, then the outcome: Snooze(kMissingTablesWait), summary
// {"waiting_for_tables": [...]}.
MaintenanceOutcome WaitForTables(const std::string& job, const std::string& db_label,
                                 const std::vector<std::string>& missing);

// "vigil" for vigil's own database (url ""), else the URL without its password: names the
// database in logs, metrics and summaries.
std::string JobDatabaseLabel(const std::string& url);

// A secret of a job block: `key:` (a `key_file:` was read into it when the config was loaded),
// else "". An error (not a string) names file:line.
Result<std::string> BlockSecret(const Config& config, const nlohmann::json& block, const std::string& at,
                                const std::string& key);

// Rejects keys of `block` not in `known`, naming file:line:col.
Status CheckKeys(const Config& config, const nlohmann::json& block, const std::string& at,
                 const std::vector<std::string>& known);

// Keys of a `jobs.<kind>` block that belong to its schedule, not to the job.
inline const std::vector<std::string> kScheduleKeys = {"schedule", "every", "jitter", "tz", "catch_up"};

// What every maintenance job block has: `enabled:`, `database:` and, for a job with table
// defaults, `tables:` (plus the schedule keys).
struct JobTarget {
  bool enabled = true;  // `enabled: false` keeps the block but neither schedules nor runs it
  std::string db_url;   // "" = vigil's own
  TableMapping tables;
};

// Checks the block's keys (the common ones plus `job_keys`) and parses enabled, database and
// tables (`tables:` is a key only when `tables` has defaults).
Result<JobTarget> ParseJobTarget(const Config& config, const std::string& at, const std::vector<TableDefaults>& tables,
                                 const std::vector<std::string>& job_keys);

// Seconds since the epoch as the platform stores times (REAL).
double UnixSeconds(TimePoint t);

}  // namespace vigil

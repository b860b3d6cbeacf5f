// A timed watcher's settings (`type: scheduled`): on each fire of its schedule (`schedule:` cron
// with `tz:`, or `every:`) it either emits an event from templates, checks a JSON endpoint, or runs
// a read-only SQL query, on vigil's database or on the one `sql.database` names (a URL, or an entry
// of `databases:`; config/databases.h). Validated with errors naming file:line:col and the key.
//
// A block that came from a row of the platform's `watchers` table carries `platform_row` (a key
// the YAML cannot set); its `sql.database` may only name an entry of `databases:`, so a row can
// reach no database the YAML's author did not list.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "sources/watcher_decls.h"

namespace vigil {

enum class ScheduledCheck { kEmit, kHttp, kSql };

struct JsonCondition {
  std::string op = "exists";  // ==, !=, >, <, >=, <=, exists
  nlohmann::json value;       // the right-hand side (unused by exists)
};

inline constexpr std::chrono::milliseconds kDefaultSqlTimeout{30000};
// sql.timeout's bounds: the scheduled_watcher job itself times out after 5 minutes.
inline constexpr std::chrono::milliseconds kMinSqlTimeout{100};
inline constexpr std::chrono::milliseconds kMaxSqlTimeout{4 * 60 * 1000};

struct ScheduledWatcherSpec {
  std::string name;
  ScheduledCheck check = ScheduledCheck::kEmit;
  std::string title;    // template
  std::string summary;  // template
  std::string url;        // http
  bool from_data = false; // a platform row's: `url` goes through the address guard
  std::string json_path;  // http: "$.status.indicator", "$.items[0].count"
  JsonCondition condition;
  std::string query;      // sql: one SELECT or WITH statement
  std::string database_url;    // sql: the database it reads, "" for vigil's own; may hold a password: never shown
  std::string database_label;  // sql: how logs and errors name it: the entry's name, or the URL without its password
  std::chrono::milliseconds timeout = kDefaultSqlTimeout;  // sql: the query's statement time limit
  std::string dedupe_key; // template rendered into each event's source_id
};

// The spec of watchers[index] (which must have type: scheduled).
Result<ScheduledWatcherSpec> ParseScheduledWatcherSpec(const Config& config, const nlohmann::json& watcher, size_t index);

// Every enabled scheduled watcher, by name (for Runtime::Parsed: read once per config load).
Result<ParsedWatchers<ScheduledWatcherSpec>> ParseScheduledWatchers(const Config& config);

// Whether `query` is a single SELECT or WITH statement (a trailing ';' allowed); the reason if not.
Status CheckReadOnlyQuery(const std::string& query);

}  // namespace vigil

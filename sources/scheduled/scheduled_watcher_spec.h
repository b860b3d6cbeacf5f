// A timed watcher's settings (`type: scheduled`): on each fire of its schedule (`schedule:` cron
// with `tz:`, or `every:`) it either emits an event from templates, checks a JSON endpoint, or runs
// a read-only SQL query on the store. Validated with errors naming file:line:col and the key.
#pragma once

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
  std::string dedupe_key; // template rendered into each event's source_id
};

// The spec of watchers[index] (which must have type: scheduled).
Result<ScheduledWatcherSpec> ParseScheduledWatcherSpec(const Config& config, const nlohmann::json& watcher, size_t index);

// Every enabled scheduled watcher, by name (for Runtime::Parsed: read once per config load).
Result<ParsedWatchers<ScheduledWatcherSpec>> ParseScheduledWatchers(const Config& config);

// Whether `query` is a single SELECT or WITH statement (a trailing ';' allowed); the reason if not.
Status CheckReadOnlyQuery(const std::string& query);

}  // namespace vigil

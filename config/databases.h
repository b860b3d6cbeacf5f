// The databases a config names besides vigil's own: the top-level `databases:` map (name -> URL;
// a URL may use `${ENV}` like every string) and the `database:` keys that point at one (a
// maintenance job's, a timed watcher's `sql.database`). One way to name a target everywhere:
//
//   databases:
//     platform: postgresql://vigil_ro:${PLATFORM_DB_PASSWORD}@db.internal/platform
//   jobs:
//     crash_report_flush: {database: platform}                 # a name
//   watchers:
//     - {..., sql: {database: "sqlite:debates.db", query: ...}}   # or a URL
//
// Opening the URL is store/'s (OpenSqlConnection); this only checks and resolves the text.
// Threads: pure functions over an immutable Config, callable from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

// Checks `databases:` when the config is loaded: a map whose names hold letters, digits, '-', '_'
// and '.' (so a name never reads as a URL), each value a URL vigil opens (`sqlite:PATH`,
// `postgresql://...`). Errors name file:line:col and the key; a URL's password is masked.
Status CheckDatabasesMap(const Config& config);

// Whether a `database:` value names an entry of `databases:` (a string without ':'), rather than
// giving a URL.
bool IsDatabaseName(const nlohmann::json& value);

// The URL a `database:` value at concrete path `at` stands for: a URL string, `{url: URL}`, or the
// name of an entry of `databases:`. A relative sqlite path is made absolute against the config's
// folder. Errors are config errors at `at` (or `at.url`) with file:line:col: not a string or map,
// an unsupported URL, a name `databases:` does not have.
Result<std::string> DatabaseUrlAt(const Config& config, const nlohmann::json& value, const std::string& at);

}  // namespace vigil

// What one fire of a timed watcher yields: the events of its emit, HTTP or SQL check. Each
// event's source_id is the watcher's dedupe_key rendered with the fire's variables, so a fire run
// twice (a retry, a second daemon) stores its events once.
//
// Template variables: watcher, fire_at (ISO 8601 in the schedule's zone); http adds value, status,
// url, json_path; sql adds row_number (1-based) and every column of the row.
//
// Threads: call on a worker thread; HTTP and SQL block.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "sources/scheduled/scheduled_watcher_spec.h"
#include "store/event.h"
#include "store/sql.h"

namespace vigil {

// The fire's events. `vars` holds watcher and fire_at. `db` is the database a sql check reads
// (vigil's own, or the connection the caller opened to `spec.database_url`). HTTP errors
// (transport, non-2xx status, a body that is not JSON) and SQL errors are returned as errors; a
// condition that does not hold yields no event.
Result<std::vector<Event>> RunScheduledCheck(const ScheduledWatcherSpec& spec, const nlohmann::json& vars, HttpClient* http,
                                             SqlConnection& db, const CancelToken* cancel);

// The rows of a read-only query, as objects keyed by column name, at most kMaxSqlRows, each
// statement cancelled past `timeout`. PostgreSQL runs it in a READ ONLY transaction, SQLite with
// query_only set; both roll back, and the connection is as it was (writable, no time limit)
// afterwards. A write the database refused and a statement timeout are errors that say so.
Result<std::vector<nlohmann::json>> ReadOnlyQuery(SqlConnection& db, const std::string& query,
                                                  std::chrono::milliseconds timeout = kDefaultSqlTimeout);

inline constexpr size_t kMaxSqlRows = 1000;

}  // namespace vigil

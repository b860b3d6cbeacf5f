// Sends pending_error_reports rows with sent = 0 to the configured endpoint and marks each
// sent = 1 (with sent_at) once the endpoint accepted it (2xx). Every POST carries
// `Idempotency-Key: <report_id>`, so a report re-sent after a crash between the POST and the mark
// is recognisably the same report: none is lost (a row is marked only after a 2xx) and none is
// duplicated at a receiver that honours the key.
//
// Formats: `json` (the report's fields as a JSON object: report_id, error_type, error_message,
// traceback, context) or `github` (POST to a GitHub-style issues API: title, body, labels).
// The HTTP client retries transport failures and 5xx with backoff and waits out 429/Retry-After
// within its limits; past them the flush stops and says when to try again.
//
// Overlapping flushes in one process are prevented by the job (one at a time); each report is
// re-checked just before its POST, so a flush on another daemon that sent it meanwhile is seen.
//
// Threads: blocking; run on a worker thread (or the CLI's).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "jobs/maintenance/maintenance_job.h"
#include "jobs/maintenance/table_mapping.h"
#include "store/sql.h"

namespace vigil {

struct ReportEndpoint {
  std::string url;
  std::string token;           // sent as `Authorization: Bearer <token>` when set
  std::string format = "json";  // "json" | "github"
  std::chrono::milliseconds timeout{30000};
};

struct FlushResult {
  size_t pending = 0;  // unsent when the flush began
  size_t sent = 0;
  size_t rejected = 0;  // answered 4xx (other than 429): left unsent, tried again next run
  std::string error;    // why the flush stopped early ("" if it did not)
  std::optional<std::chrono::seconds> retry_after;  // the endpoint asked to wait (429)
};

// Sends every unsent report of `db`. An error only when the table cannot be read.
Result<FlushResult> FlushErrorReports(SqlConnection& db, const TableMapping& t, HttpClient& http,
                                      const ReportEndpoint& endpoint, const ProgressFn& progress,
                                      const CancelToken* cancel);

}  // namespace vigil

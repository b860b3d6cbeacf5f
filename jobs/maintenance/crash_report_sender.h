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
// Before sending, a flush:
//   - records when it first saw each unsent report (vigil_crash_report_ledger, in vigil's own
//     database) and, when more than `max_pending` wait, gives up the oldest beyond the cap: they
//     are recorded there and never sent, and the platform's rows stay as they are;
//   - for the platform's reports, waits for consent: nothing is sent until a local_settings row
//     has terms_accepted_at (the reports wait, counted in `waiting_for_consent`);
//   - folds a crash loop (more than `loop_threshold` reports of one error_type within an hour)
//     into one report with the count and the first and last times (crash_loops.h); every report
//     it stands for is marked sent when it is accepted.
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

struct FlushPolicy {
  std::string database = "vigil";  // the ledger's name for the flushed database
  size_t max_pending = 100;
  int loop_threshold = 3;
  bool needs_consent = false;  // the platform's: wait for local_settings.terms_accepted_at
};

struct FlushResult {
  size_t pending = 0;  // unsent and not given up when the flush began
  size_t waiting_for_consent = 0;
  size_t given_up = 0;  // by this flush, over max_pending
  size_t loops = 0;     // crash-loop reports sent (each stands for several reports)
  size_t sent = 0;      // reports marked sent (a loop's count for each of its members)
  size_t rejected = 0;  // answered 4xx (other than 429): left unsent, tried again next run
  std::string error;    // why the flush stopped early ("" if it did not)
  std::optional<std::chrono::seconds> retry_after;  // the endpoint asked to wait (429)
};

// Sends the unsent reports of `db`; `ledger` is vigil's own database (it may be `db`). An error
// only when a table cannot be read.
Result<FlushResult> FlushErrorReports(SqlConnection& db, SqlConnection& ledger, const TableMapping& t, HttpClient& http,
                                      const ReportEndpoint& endpoint, const FlushPolicy& policy,
                                      const ProgressFn& progress, const CancelToken* cancel);

}  // namespace vigil

// Events as the platform reads them: watcher_events (seeds/000), one per (watcher, source_id)
// forever. Inserting an event and enqueueing its triage job happen in one transaction, so an
// accepted event is never left without its next step.
//
// Threads: each caller passes its own connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/event.h"
#include "store/job_repo.h"
#include "store/sql.h"

namespace vigil {

struct EventInsert {
  std::string watcher_id;
  std::string community_id;  // empty: none
  Event event;
  // Jobs to enqueue with the event when it is new; "{event_id}" in a job's args value "event_id"
  // is replaced by the new event's id.
  std::vector<JobSpec> follow_ups;
  // When true and the event exists, update title/summary/metadata (a new arXiv version).
  bool update_existing = false;
  // Set: a new event is queued for batched triage (a vigil_triage_pending row) and this job, the
  // batch's, is enqueued once per call whatever the number of events (its unique_key keeps one
  // waiting): TriageFollowUp(now) in jobs/triage/triage_job.h.
  std::optional<JobSpec> triage;
};

struct EventInsertResult {
  std::string id;
  bool inserted = false;
  bool updated = false;
};

// Inserts events (their follow-up jobs, their triage queue rows and job) in one transaction. Events already stored for the
// same watcher and source_id are left alone (or updated, see update_existing).
Result<std::vector<EventInsertResult>> InsertEvents(SqlConnection& db, const std::vector<EventInsert>& events, TimePoint now);
// The same inside a transaction the caller holds (the webhook writer groups several requests).
Result<std::vector<EventInsertResult>> InsertEventsInTx(SqlConnection& db, const std::vector<EventInsert>& events, TimePoint now);

struct EventFilter {
  std::string watcher;   // watcher name; empty: all
  std::string signal;    // low | medium | high; empty: any
  std::optional<TimePoint> since;
  std::string before_id;  // keyset cursor: events with ids below this (ids are time-ordered UUIDv7)
  int limit = 50;
  bool include_raw = false;
  std::string id;  // one event (either id form); empty: all
  std::optional<TimePoint> until;  // detected before this
  std::string title_query;  // a substring of the title, case aside (LOWER: ASCII letters on SQLite); empty: any
};

// Newest first, as JSON objects (source_metadata parsed, triage_score from vigil_event_scores or
// null, and raw_data with include_raw). A stored
// source_metadata or raw_data nesting deeper than kMaxJsonDepth (common/json_depth.h) is shown as
// {"unreadable": "JSON nests deeper than 512 levels (the limit)", "bytes": <its size>}.
Result<std::vector<nlohmann::json>> ListEvents(SqlConnection& db, const EventFilter& filter);

// `text` as a LIKE pattern matching it anywhere, its %, _ and \ escaped (with ESCAPE '\').
std::string ContainsPattern(const std::string& text);

}  // namespace vigil

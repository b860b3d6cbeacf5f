// The change feed: vigil_changes (migration 0017), one numbered row per new event, new or changed
// notification and job state change, whichever daemon sharing the database wrote it. The live
// stream (GET /api/v1/stream, daemon/admin/stream_hub.h) reads it in order and sends each change
// as the API shows the thing that changed.
//
// Triggers on vigil_jobs and vigil_event_sources record jobs and events; the notification writers
// (notification_repo.cpp) and triage (triage_repo.cpp) call RecordChange themselves.
//
// Threads: each caller passes its own connection.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct Change {
  int64_t seq = 0;
  std::string topic;  // event | notification | job
  std::string ref;    // the event's or notification's id, the job's number
};

// Records that the event or notification `id` changed (topic "event" or "notification").
Status RecordChange(SqlConnection& db, const std::string& topic, const std::string& id);
// The same for several (one statement per 500), in the order given.
Status RecordChanges(SqlConnection& db, const std::string& topic, const std::vector<std::string>& ids);

// The highest number recorded so far; 0 when none.
Result<int64_t> LatestChangeSeq(SqlConnection& db);

// Changes numbered above `after`, lowest first, at most `limit` (1 to 1000).
Result<std::vector<Change>> ReadChanges(SqlConnection& db, int64_t after, int limit);

// The changed thing as the API lists it: an event as a GET /api/v1/events item, a notification as
// a GET /api/v1/notifications item, a job as {"id", "kind", "queue", "state", "attempt",
// "max_attempts", "last_error"}. nullopt when it is gone (pruned, deleted) or the ref is not one.
Result<std::optional<nlohmann::json>> ChangedItem(SqlConnection& db, const Change& change);

// Deletes the changes recorded before `before`; returns how many.
Result<int64_t> PruneChanges(SqlConnection& db, TimePoint before);

}  // namespace vigil

// The score triage gave each event, kept in vigil's own table vigil_event_scores (watcher_events
// holds the signal and the reasoning; platform tables get no new columns), and the stored events
// as `vigil triage replay` reads them: with their signal, score and whether they made a
// notification.
//
// Threads: each caller passes its own connection. *InTx expects the caller's transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct EventScore {
  std::string event_id;
  double score = 0;
  std::string duplicate_of;        // the event it near-duplicates; "" when new
  std::string scored_by = "rules"; // "rules" or "llm:<model>": whose verdict stands
};

// Keeps (or replaces) the events' scores (each event at most once in `scores`).
Status RecordEventScoresInTx(SqlConnection& db, const std::vector<EventScore>& scores, TimePoint now);

// The event's score; nullopt when it has none (not triaged yet, or triaged before scores were kept).
Result<std::optional<EventScore>> GetEventScore(SqlConnection& db, const std::string& event_id);

// A stored event as replay reads it.
struct StoredTriage {
  std::string event_id;
  std::string watcher_name;
  std::string community_id;    // "" for none
  std::string community_name;  // subreddits.name; "" for none
  std::string title, summary, source_type, source_id, source_url;
  nlohmann::json source_metadata = nlohmann::json::object();
  std::string detected_at;     // as the database prints it
  std::string signal;          // "" until triaged
  std::string reasoning;
  std::optional<EventScore> score;
  std::string notification_id;  // one notification it made; "" for none
};

struct ReplayFilter {
  TimePoint since{};
  std::string watcher;  // watchers.name; "" for every watcher
  int limit = 10000;
};

// The events detected at or after `since`, oldest first.
Result<std::vector<StoredTriage>> StoredTriageSince(SqlConnection& db, const ReplayFilter& filter);

}  // namespace vigil

// What triage makes of an event, told apart from what it stores: the triage job scores a stored
// event with these, `vigil watchers test` previews the events a watcher would make, and
// `vigil triage replay` runs stored events through current or proposed rules (storing nothing).
//
// Pure functions, except NoveltyFor and PreviewTriage, which read (never write) the database
// through the caller's connection.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.h"
#include "jobs/triage/triage_config.h"
#include "jobs/triage/triage_rules.h"
#include "store/event.h"
#include "store/sql.h"
#include "store/triage_repo.h"

namespace vigil {

// When the item itself is dated: a feed's or arXiv's published/updated, PubMed's pub_date.
std::optional<TimePoint> PublishedAt(const nlohmann::json& metadata);

// What triage reads of an event a watcher made (`watcher` names it; the id is "").
EventView EventViewOf(const Event& event, const std::string& watcher);

// What the near-duplicate checks of a batch of events share (a triage batch's, inside its
// transaction), per community (subreddits.id, "" for none).
struct BatchNovelty {
  // Read for all the batch's events at once (ReadAheadNovelty): the stored events holding any of
  // their keys, oldest first, and each probe word's first look.
  std::map<std::string, std::vector<StoredKeys>> holders;
  std::map<std::pair<std::string, std::string>, std::vector<TitledEvent>> first_look;  // (community, word)
  // The batch's events decided so far, not stored yet, oldest first.
  std::map<std::string, std::vector<RecentEvent>> earlier;
};

// An event whose novelty a batch will ask for.
struct NoveltyAsk {
  const CommunitySettings* community;
  std::string community_id;
  EventView view;
};
// Reads what NoveltyFor would read first for each of `asks`, a statement per community for the
// keys and one (on PostgreSQL) for the title words, into `batch`.
Status ReadAheadNovelty(SqlConnection& db, const std::vector<NoveltyAsk>& asks, TimePoint now, BatchNovelty* batch);

// What the near-duplicate check compares an event with: the community's events that share an exact
// key with it (stored ones oldest first, then the batch's), then recent events whose titles share
// one of its probe words (the batch's newest first, then stored ones newest first); it stops
// looking once it holds a near-duplicate. `community_id` is subreddits.id ("" for none); with
// `batch`, what it read ahead stands for the first reads. Only reads.
Result<NoveltyContext> NoveltyFor(SqlConnection& db, const CommunitySettings& community, const std::string& community_id,
                                  const EventView& view, TimePoint now, const BatchNovelty* batch = nullptr);

struct TriagePreview {
  std::string community;  // the community's name ("" for none)
  TriageScore score;      // the rules' verdict
  Signal notify_at = Signal::kMedium;
  bool notify = false;    // a notification would be made: signal at notify_at or above, not a near-duplicate
};

// The community's rules' verdict on `view`, as the triage job would reach it without an LLM
// (defaults, every score low, for a community the config does not name). With `db` the
// near-duplicate check reads the stored events of `community_id`; without, it is skipped and the
// reasoning says so.
Result<TriagePreview> PreviewTriage(const TriageSettings& settings, const std::string& community, const std::string& community_id,
                                    const EventView& view, SqlConnection* db, TimePoint now);

// The preview as JSON: {community, signal, score, reasoning, duplicate_of, notify}.
nlohmann::json PreviewJson(const TriagePreview& preview);

}  // namespace vigil

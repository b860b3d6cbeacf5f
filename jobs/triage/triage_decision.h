// What triage decides for one event, before anything is stored (triage_job.h stores it): the
// community's rules' score, replaced by the LLM's when `triage.llm` is set and it answers well,
// whether it notifies and whether the community's cooldown holds the push back.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "jobs/triage/triage_config.h"
#include "jobs/triage/triage_preview.h"
#include "jobs/triage/triage_rules.h"
#include "store/sql.h"
#include "store/triage_repo.h"

namespace vigil {

struct TriageDecision {
  TriageScore score;
  std::string scored_by = "rules";  // "llm:<model>" when the model's verdict replaced the rules'
  std::string hypothesis;
  bool notify = false;
  bool push = false;
};

// The event as the rules and the model see it.
EventView ViewOf(const TriageEventRow& e);

// What a batch's events share while their writes wait for the batch's end: the stored events read
// ahead for all of them, and what the events decided before this one left for it: per community
// (subreddits.id, "" for none), their keys and title words, and whether one of them pushes (the
// cooldown runs from now).
struct DecidedEarlier {
  BatchNovelty novelty;
  std::set<std::string> pushed;
  // Notes a decided event (`view` is the event as ViewOf shows it).
  void Add(const std::string& community_id, const EventView& view, const TriageDecision& d);
};

// Reads the community's recent events (novelty, near-duplicates) and its last push, as stored
// and as `earlier` holds them; with `http` (an LLM configured) asks the model, which may take
// seconds: call it outside a transaction when it can be.
Result<TriageDecision> Decide(const TriageSettings& settings, const CommunitySettings& community, const TriageEventRow& e,
                              const EventView& view, SqlConnection& db, HttpClient* http, TimePoint now,
                              const CancelToken* cancel, const DecidedEarlier& earlier = {});

}  // namespace vigil

// What triage decides for one event, before anything is stored (triage_job.h stores it): the
// community's rules' score, replaced by the LLM's when `triage.llm` is set and it answers well,
// whether it notifies and whether the community's cooldown holds the push back.
#pragma once

#include <string>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "jobs/triage/triage_config.h"
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

// Reads the community's recent events (novelty, near-duplicates) and its last push; with `http`
// (an LLM configured) asks the model, which may take seconds: call it outside a transaction
// when it can be.
Result<TriageDecision> Decide(const TriageSettings& settings, const CommunitySettings& community, const TriageEventRow& e,
                              const EventView& view, SqlConnection& db, HttpClient* http, TimePoint now,
                              const CancelToken* cancel);

}  // namespace vigil

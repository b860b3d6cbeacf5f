// Storing what triage decided (the triage job's writes, jobs/triage/triage_job.h): verdicts,
// scores and dedupe traces set-based, then each event's notification, its follow-up jobs (deliver,
// create_thread) and its digest item.
#pragma once

#include <vector>

#include "common/clock.h"
#include "jobs/triage/triage_config.h"
#include "jobs/triage/triage_decision.h"
#include "jobs/triage/triage_job.h"
#include "store/sql.h"
#include "store/triage_repo.h"

namespace vigil {

// An event decided and waiting to be stored, and what its triage tells the caller.
struct DecidedEvent {
  const TriageEventRow* e;
  CommunitySettings community;
  TriageDecision d;
  TriageOutcome* out;
};

// Stores decided events (each at most once) inside the caller's transaction: their verdicts, and
// for the events whose verdict this wrote (their hypotheses filled in), their scores and dedupe
// traces, a few statements for the lot, then each one's notification in order; on SQLite the
// triage epoch moves on (store/triage_repo.h). An event another triage got to first is left
// alone (out->already_triaged): its verdict, notification and follow-ups are that triage's.
Status StoreDecidedInTx(const TriageSettings& settings, SqlConnection& db, std::vector<DecidedEvent>& all, TimePoint now);

}  // namespace vigil

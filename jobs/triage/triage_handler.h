// The common start of every triage-side job handler (triage, deliver, create_thread,
// triage_retention): take the live settings from the runtime (parsed once per config load) and the worker's connection, then
// do the work. A config the settings cannot be read from, or a database that is unavailable,
// makes the job retry.
#pragma once

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/triage/triage_config.h"

namespace vigil {

// `work(const TriageSettings&, SqlConnection&, JobContext&) -> JobResult`.
template <class Work>
JobHandler WithTriageSettings(const Runtime& runtime, Work work) {
  return [&runtime, work](JobContext& ctx) -> JobResult {
    auto settings = runtime.Parsed(&ParseTriageSettings);  // once per load, not per job
    if (!settings->ok()) return JobResult::Retry(settings->error());
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    return work(**settings, **db, ctx);
  };
}

}  // namespace vigil

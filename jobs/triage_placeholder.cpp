#include "jobs/triage_placeholder.h"

namespace vigil {

KindSpec TriagePlaceholderKind() {
  KindSpec spec;
  spec.kind = "triage";
  spec.timeout = std::chrono::minutes(1);
  spec.handler = [](JobContext& ctx) -> JobResult {
    std::string event_id = ctx.args.is_object() ? ctx.args.value("event_id", "") : "";
    if (event_id.empty()) return JobResult::Discard("triage job without an event_id");
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    auto r = (*db)->Query(
        "UPDATE watcher_events SET triage_signal = 'low', triage_reasoning = 'triage rules not configured'"
        " WHERE id = $1 AND triage_signal IS NULL",
        {event_id});
    if (!r.ok()) return JobResult::Retry(r.error());
    return JobResult::Done();
  };
  return spec;
}

}  // namespace vigil

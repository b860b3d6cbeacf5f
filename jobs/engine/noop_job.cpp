#include "jobs/engine/job_types.h"

namespace vigil {

KindSpec NoopKind() {
  KindSpec spec;
  spec.kind = "noop";
  spec.timeout = std::chrono::minutes(10);
  spec.backoff.base = std::chrono::milliseconds(100);
  spec.handler = [](JobContext& ctx) -> JobResult {
    const auto& args = ctx.args;
    if (args.is_object() && args.contains("sleep_ms")) {
      if (ctx.cancel.WaitFor(std::chrono::milliseconds(args["sleep_ms"].get<int64_t>()))) return JobResult::Retry("cancelled");
    }
    if (args.is_object() && ctx.job.attempt <= args.value("fail_attempts", 0))
      return JobResult::Retry("failing on purpose (attempt " + std::to_string(ctx.job.attempt) + ")");
    if (args.is_object() && args.value("mark", false)) {
      auto db = ctx.db();
      if (!db.ok()) return JobResult::Retry(db.error());
      auto r = (*db)->Query("INSERT INTO vigil_noop_marks (job_id, node_id, runs) VALUES ($1, $2, 1)"
                            " ON CONFLICT (job_id) DO UPDATE SET runs = vigil_noop_marks.runs + 1",
                            {ctx.job.id, ctx.node_id});
      if (!r.ok()) return JobResult::Retry(r.error());
    }
    return JobResult::Done();
  };
  return spec;
}

}  // namespace vigil

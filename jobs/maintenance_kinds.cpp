#include "jobs/maintenance_kinds.h"

#include <spdlog/spdlog.h>

namespace vigil {

const std::vector<MaintenanceKind>& MaintenanceKinds() {
  static const std::vector<MaintenanceKind> kKinds = {
      {"context_backup_coverage", "0 */6 * * *", std::chrono::seconds(0), ValidateContextBackupCoverage,
       RunContextBackupCoverage},
      {"crash_report_flush", "", std::chrono::seconds(60), ValidateCrashReportFlush, RunCrashReportFlush},
  };
  return kKinds;
}

const MaintenanceKind* FindMaintenanceKind(const std::string& kind) {
  for (const auto& k : MaintenanceKinds()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

KindSpec MaintenanceKindSpec(const MaintenanceKind& kind, const Runtime& runtime) {
  KindSpec spec;
  spec.kind = kind.kind;
  spec.timeout = std::chrono::hours(1);
  spec.backoff.base = std::chrono::seconds(2);
  spec.backoff.cap = std::chrono::minutes(10);
  spec.handler = [&kind, &runtime](JobContext& ctx) {
    auto config = runtime.config();
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    MaintenanceEnv env{*config, **db, *runtime.http(), &ctx.cancel, nullptr, ctx.clock.Now(), ctx.node_id};
    MaintenanceOutcome out = kind.run(env);
    spdlog::info("{}: {}", kind.kind, out.summary.dump());
    return out.next;
  };
  return spec;
}

}  // namespace vigil

#include "jobs/maintenance/maintenance_kinds.h"

#include <spdlog/spdlog.h>

#include "jobs/maintenance/citation_verification_job.h"
#include "jobs/maintenance/embedding_backfill_job.h"

namespace vigil {

const std::vector<MaintenanceKind>& MaintenanceKinds() {
  using std::chrono::hours;
  using std::chrono::seconds;
  static const std::vector<MaintenanceKind> kKinds = {
      {"context_backup_coverage", "0 */6 * * *", seconds(0), hours(1), ValidateContextBackupCoverage, RunContextBackupCoverage},
      {"crash_report_flush", "", seconds(60), hours(1), ValidateCrashReportFlush, RunCrashReportFlush},
      {"embedding_backfill", "", seconds(0), hours(6), ValidateEmbeddingBackfill, RunEmbeddingBackfillJob},
      {"citation_verification", "", seconds(0), hours(2), ValidateCitationVerification, RunCitationVerificationJob},
      {"database_backup", "15 3 * * *", seconds(0), hours(6), ValidateDatabaseBackup, RunDatabaseBackup},
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
  spec.timeout = kind.timeout;
  spec.backoff.base = std::chrono::seconds(2);
  spec.backoff.cap = std::chrono::minutes(10);
  spec.handler = [&kind, &runtime](JobContext& ctx) {
    auto config = runtime.config();
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    if (runtime.http() == nullptr) return JobResult::Retry("no HTTP client");
    MaintenanceEnv env{*config, **db, *runtime.http(), &ctx.cancel, nullptr, ctx.clock.Now(), ctx.node_id, &runtime};
    MaintenanceOutcome out = kind.run(env);
    spdlog::info("{}: {}", kind.kind, out.summary.dump());
    return out.next;
  };
  return spec;
}

}  // namespace vigil

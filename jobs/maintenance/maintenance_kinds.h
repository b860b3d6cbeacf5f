// The platform-maintenance job kinds, each configured by a block under `jobs.<kind>` (validated
// here, errors naming file:line:col; the common keys `enabled`, `database`, `tables` and the
// schedule's read by ParseJobTarget), scheduled as "job:<kind>" when that block is present and
// not `enabled: false` (`schedule:` cron or `every:`, else the kind's default; a kind without a
// default runs only by hand until its block names one), runnable by the engine and by
// `vigil jobs run KIND --once`.
//
//   context_backup_coverage  backup_coverage.h; default cron "0 */6 * * *"
//   crash_report_flush       crash_reports.h, crash_report_sender.h; default every 1m (and at start)
//   embedding_backfill       embedding_backfill_job.h; no default
//   citation_verification    citation_verification_job.h; no default
//   database_backup          database_backup.h; default cron "15 3 * * *" (daily)
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/maintenance/maintenance_job.h"

namespace vigil {

struct MaintenanceKind {
  std::string kind;
  std::string default_schedule;            // cron text, or "" when default_every is used
  std::chrono::seconds default_every{0};   // neither: scheduled only when the block says when
  std::chrono::seconds timeout{3600};      // the engine cancels a run this long
  // Validates `jobs.<kind>` (called at start and on reload when the block is present).
  std::function<Status(const Config&)> validate;
  std::function<MaintenanceOutcome(MaintenanceEnv&)> run;
};

const std::vector<MaintenanceKind>& MaintenanceKinds();
const MaintenanceKind* FindMaintenanceKind(const std::string& kind);

// Runs of the kinds (defined in their own files; embedding_backfill_job.h and
// citation_verification_job.h declare theirs).
MaintenanceOutcome RunContextBackupCoverage(MaintenanceEnv& env);
Status ValidateContextBackupCoverage(const Config& config);
MaintenanceOutcome RunCrashReportFlush(MaintenanceEnv& env);
Status ValidateCrashReportFlush(const Config& config);
MaintenanceOutcome RunDatabaseBackup(MaintenanceEnv& env);
Status ValidateDatabaseBackup(const Config& config);

// The engine's KindSpec for a maintenance kind: runs it with the live config, the worker's
// connection and the runtime's HTTP client (Retry without one), logs the summary and exports
// nothing else itself.
KindSpec MaintenanceKindSpec(const MaintenanceKind& kind, const Runtime& runtime);

}  // namespace vigil

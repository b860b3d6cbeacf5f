// The platform-maintenance job kinds, each configured by a block under `jobs.<kind>` (validated
// here, errors naming file:line:col), scheduled when that block is present (`schedule:` cron or
// `every:`, else the kind's default), runnable by the engine and by `vigil jobs run KIND --once`.
//
//   context_backup_coverage  backup_coverage.h; default cron "0 */6 * * *"
//   crash_report_flush       crash_reports.h, crash_report_sender.h; default every 1m (and at start)
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/job_types.h"
#include "daemon/runtime.h"
#include "jobs/maintenance_job.h"

namespace vigil {

struct MaintenanceKind {
  std::string kind;
  std::string default_schedule;            // cron text, or "" when default_every is used
  std::chrono::seconds default_every{0};
  // Validates `jobs.<kind>` (called at start and on reload when the block is present).
  std::function<Status(const Config&)> validate;
  std::function<MaintenanceOutcome(MaintenanceEnv&)> run;
};

const std::vector<MaintenanceKind>& MaintenanceKinds();
const MaintenanceKind* FindMaintenanceKind(const std::string& kind);

// Runs of the two kinds (defined in their own files).
MaintenanceOutcome RunContextBackupCoverage(MaintenanceEnv& env);
Status ValidateContextBackupCoverage(const Config& config);
MaintenanceOutcome RunCrashReportFlush(MaintenanceEnv& env);
Status ValidateCrashReportFlush(const Config& config);

// The engine's KindSpec for a maintenance kind: runs it with the live config, the worker's
// connection and the runtime's HTTP client, logs the summary and exports nothing else itself.
KindSpec MaintenanceKindSpec(const MaintenanceKind& kind, const Runtime& runtime);

}  // namespace vigil

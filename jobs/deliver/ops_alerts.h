// Alerts about vigil itself to the channels of notify.ops_channels: a watcher failing or silent
// (jobs/watch/watcher_health_job.h), a database backup failing (jobs/maintenance/
// database_backup_job.cpp). An alert is a vigil_health_alerts row plus one `deliver` job per
// channel, written in one transaction; the state it reports is kept per subject in
// vigil_watcher_health, moved with a conditional update in that same transaction, so a restart or
// two daemons sharing the database never raise the same alert twice.
//
// Threads: the caller's connection, on its thread.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "store/health_alert_repo.h"
#include "store/sql.h"

namespace vigil {

// Inserts `alert` and enqueues its deliveries inside the caller's transaction.
Status RaiseOpsAlertInTx(SqlConnection& db, const std::vector<std::string>& channels, const HealthAlertRow& alert,
                         TimePoint now);

// One alert when `subject` starts failing and one when it recovers, none while it stays as it
// was. `alert` holds the title and summary of the alert to raise (its health, subject and time are
// set here). True when this call raised one.
Result<bool> ReportOpsState(SqlConnection& db, const std::vector<std::string>& channels, const std::string& subject,
                            bool failing, HealthAlertRow alert, TimePoint now);

}  // namespace vigil

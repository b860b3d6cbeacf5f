#include "jobs/deliver/ops_alerts.h"

#include "store/db_time.h"
#include "store/job_repo.h"

namespace vigil {

Status RaiseOpsAlertInTx(SqlConnection& db, const std::vector<std::string>& channels, const HealthAlertRow& alert,
                         TimePoint now) {
  auto id = InsertHealthAlertInTx(db, alert);
  if (!id.ok()) return id.status();
  std::vector<JobSpec> jobs;
  for (const auto& channel : channels)
    jobs.push_back({.kind = "deliver", .args = {{"health_alert_id", *id}, {"channel", channel}}, .max_attempts = 8});
  return EnqueueJobsInTx(db, jobs, now).status();
}

Result<bool> ReportOpsState(SqlConnection& db, const std::vector<std::string>& channels, const std::string& subject,
                            bool failing, HealthAlertRow alert, TimePoint now) {
  if (channels.empty()) return false;
  auto states = HealthAlertStates(db);
  if (!states.ok()) return states.status();
  std::string was = states->count(subject) ? states->at(subject) : "";
  std::string next = failing ? "failing" : "";
  if (was == next) return false;
  alert.watcher = subject;
  alert.health = failing ? "failing" : "ok";
  alert.created_at_us = ToMicros(now);
  bool raised = false;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto moved = MoveHealthAlertStateInTx(db, subject, was, next, now);
    if (!moved.ok() || !*moved) return moved.status();  // another daemon moved it first
    Status r = RaiseOpsAlertInTx(db, channels, alert, now);
    raised = r.ok();
    return r;
  });
  if (!s.ok()) return s;
  return raised;
}

}  // namespace vigil

#include "store/health_alert_repo.h"

#include "common/iso8601.h"
#include "store/db_time.h"

namespace vigil {

Result<std::map<std::string, std::string>> HealthAlertStates(SqlConnection& db) {
  auto r = db.Query("SELECT watcher_name, alerted FROM vigil_watcher_health WHERE alerted <> ''");
  if (!r.ok()) return r.status();
  std::map<std::string, std::string> out;
  for (const auto& row : r->rows) out[row.Text(0)] = row.Text(1);
  return out;
}

Result<bool> MoveHealthAlertStateInTx(SqlConnection& db, const std::string& watcher, const std::string& from,
                                      const std::string& to, TimePoint now) {
  int64_t us = ToMicros(now);
  auto ins = db.Query("INSERT INTO vigil_watcher_health (watcher_name, alerted, changed_at) VALUES ($1, '', $2)"
                      " ON CONFLICT (watcher_name) DO NOTHING",
                      {watcher, us});
  if (!ins.ok()) return ins.status();
  auto upd = db.Query("UPDATE vigil_watcher_health SET alerted = $3, changed_at = $4 WHERE watcher_name = $1 AND alerted = $2",
                      {watcher, from, to, us});
  if (!upd.ok()) return upd.status();
  return upd->affected == 1;
}

Result<std::string> InsertHealthAlertInTx(SqlConnection& db, const HealthAlertRow& a) {
  std::string id = db.NewId();
  auto r = db.Query("INSERT INTO vigil_health_alerts (id, watcher_name, health, title, summary, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    {id, a.watcher, a.health, a.title, a.summary, a.created_at_us});
  if (!r.ok()) return r.status();
  return id;
}

Result<std::optional<HealthAlertRow>> GetHealthAlert(SqlConnection& db, const std::string& id) {
  auto r = db.Query("SELECT id, watcher_name, health, title, summary, created_at FROM vigil_health_alerts WHERE id = $1", {id});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<HealthAlertRow>();
  const auto& row = r->rows[0];
  return std::optional<HealthAlertRow>(HealthAlertRow{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Int(5)});
}

nlohmann::json HealthAlertToJson(const HealthAlertRow& a) {
  return {{"id", a.id},       {"watcher", a.watcher}, {"health", a.health},
          {"signal", "high"}, {"title", a.title},     {"summary", a.summary},
          {"created_at", FormatUtcZ(FromMicros(a.created_at_us))}};
}

}  // namespace vigil

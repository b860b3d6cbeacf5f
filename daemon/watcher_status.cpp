#include "daemon/watcher_status.h"

#include "jobs/schedule_config.h"
#include "store/db_time.h"
#include "store/watcher_state_repo.h"

namespace vigil {

std::string UtcText(int64_t us) {
  if (us == 0) return "-";
  time_t secs = static_cast<time_t>(us / 1000000);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&secs));
  return buf;
}

nlohmann::json WatcherStatusJson(SqlConnection& db, const nlohmann::json& w, const Config& config) {
  std::string name = w.value("name", "");
  nlohmann::json row = {{"name", name}, {"type", w.value("type", "")}, {"enabled", w.value("enabled", true)},
                        {"community", w.value("community", "")}};
  auto count = db.Query("SELECT COUNT(*) FROM watcher_events e JOIN watchers w ON w.id = e.watcher_id WHERE w.name = $1", {name});
  row["events"] = count.ok() ? count->rows[0].Int(0) : 0;
  auto state = GetWatcherState(db, name);
  bool backing_off = false;
  if (state.ok() && *state) {
    row["last_poll"] = UtcText((*state)->last_poll_at_us);
    row["last_success"] = UtcText((*state)->last_success_at_us);
    row["last_error"] = (*state)->last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json((*state)->last_error);
    row["consecutive_failures"] = (*state)->consecutive_failures;
    backing_off = (*state)->next_poll_at_us > ToMicros(std::chrono::system_clock::now());
    if (backing_off) row["next_poll"] = UtcText((*state)->next_poll_at_us) + " (backing off)";
  }
  auto schedules = SchedulesFrom(config);
  if (schedules.ok() && !backing_off) {
    for (const auto& s : *schedules) {
      if (s.name != "watcher:" + name) continue;
      if (auto next = Scheduler::NextFire(s, std::chrono::system_clock::now())) row["next_poll"] = UtcText(ToMicros(*next));
    }
  }
  return row;
}

}  // namespace vigil

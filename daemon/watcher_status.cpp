#include "daemon/watcher_status.h"

#include "common/iso8601.h"
#include "config/units.h"
#include "jobs/schedule_config.h"
#include "store/db_time.h"
#include "store/watcher_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {

std::string UtcText(int64_t us) {
  if (us == 0) return "-";
  time_t secs = static_cast<time_t>(us / 1000000);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&secs));
  return buf;
}

namespace {

nlohmann::json IsoOrNull(int64_t us) { return us == 0 ? nlohmann::json(nullptr) : nlohmann::json(FormatUtcZ(FromMicros(us))); }

void AddActivity(nlohmann::json& row, const WatcherActivity& a) {
  row["events"] = a.events;
  row["last_event_at"] = IsoOrNull(a.last_event_us);
  row["events_per_day"] = a.per_day;
}

// A platform row that does not run: its health settings as its config wrote them.
void AddRowHealth(nlohmann::json& item, const HealthContext& context) {
  const nlohmann::json& config = item.contains("config") && item["config"].is_object() ? item["config"] : nlohmann::json::object();
  item["health"] = HealthName(Health::kDisabled);
  item["expect_every"] = config.contains("expect_every") && config["expect_every"].is_string() ? config["expect_every"] : nlohmann::json(nullptr);
  item["alert_after"] = config.contains("alert_after") && config["alert_after"].is_number_integer() ? config["alert_after"] : nlohmann::json(kDefaultAlertAfter);
  auto a = context.activity.find(WatcherIdKey(item.value("id", "")));
  AddActivity(item, a != context.activity.end() ? a->second : WatcherActivity{});
}

}  // namespace

nlohmann::json WatcherStatusJson(SqlConnection& db, const nlohmann::json& w, const Config& config) {
  auto context = LoadHealthContext(db, std::chrono::system_clock::now());
  return WatcherStatusJson(db, w, config, context.ok() ? *context : HealthContext{std::chrono::system_clock::now(), {}, {}});
}

nlohmann::json WatcherStatusJson(SqlConnection& db, const nlohmann::json& w, const Config& config, const HealthContext& context) {
  std::string name = w.value("name", "");
  nlohmann::json row = {{"name", name}, {"type", w.value("type", "")}, {"enabled", w.value("enabled", true)},
                        {"community", w.value("community", "")}};
  if (w.contains("platform_row")) {
    row["name"] = w["platform_row"].value("name", "");
    row["id"] = name;
    row["source"] = "platform";
    row["state"] = "running";
  }
  WatcherHealth health = HealthOf(db, w, context);
  row["health"] = HealthName(health.health);
  row["expect_every"] = health.settings.expect_every_ms > 0
                            ? nlohmann::json(FormatDuration(std::chrono::milliseconds(health.settings.expect_every_ms)))
                            : nlohmann::json(nullptr);
  row["alert_after"] = health.settings.alert_after;
  row["last_poll_at"] = IsoOrNull(health.facts.last_poll_us);
  AddActivity(row, health.activity);
  auto state = GetWatcherState(db, name);
  bool backing_off = false;
  if (state.ok() && *state) {
    row["last_poll"] = UtcText((*state)->last_poll_at_us);
    row["last_success"] = UtcText((*state)->last_success_at_us);
    bool failing = !(*state)->last_error.empty();
    row["last_error"] = failing ? nlohmann::json((*state)->last_error) : nlohmann::json(nullptr);
    row["last_error_kind"] = !failing ? nlohmann::json(nullptr) : (*state)->last_error_permanent ? "permanent" : "transient";
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

std::string WatcherErrorText(const nlohmann::json& item) {
  if (item.contains("error") && item["error"].is_string()) return item.value("state", "") + ": " + item["error"].get<std::string>();
  if (item.value("state", "") == "disabled") return "disabled";
  if (item.contains("last_error") && item["last_error"].is_string()) {
    std::string kind = item.value("last_error_kind", nlohmann::json()).is_string() ? item["last_error_kind"].get<std::string>() : "";
    return (kind == "permanent" ? "permanent: " : "") + item["last_error"].get<std::string>();
  }
  return "";
}

nlohmann::json WatchersStatusJson(SqlConnection& db, const Config& config) {
  auto now = std::chrono::system_clock::now();
  auto loaded = LoadHealthContext(db, now);
  HealthContext context = loaded.ok() ? std::move(*loaded) : HealthContext{now, {}, {}};
  nlohmann::json items = nlohmann::json::array();
  auto list = config.tree().find("watchers");
  if (list != config.tree().end()) {
    for (const auto& w : *list) items.push_back(WatcherStatusJson(db, w, config, context));
  }
  if (config.platform_watcher_rows().is_array()) {
    for (const auto& r : config.platform_watcher_rows()) {
      if (r.value("state", "") == "running") continue;  // listed above, with its polls
      nlohmann::json item = r;
      item["source"] = "platform";
      item["enabled"] = r.value("state", "") != "disabled" && r.value("state", "") != "off";
      AddRowHealth(item, context);
      items.push_back(std::move(item));
    }
  }
  return items;
}

const nlohmann::json* FindRunningWatcher(const Config& config, const std::string& name) {
  auto list = config.tree().find("watchers");
  if (list == config.tree().end()) return nullptr;
  const nlohmann::json* by_row_name = nullptr;
  int row_names = 0;
  for (const auto& w : *list) {
    if (w.value("name", "") == name) return &w;
    if (w.contains("platform_row") && w["platform_row"].value("name", "") == name) {
      by_row_name = &w;
      row_names++;
    }
  }
  return row_names == 1 ? by_row_name : nullptr;
}

}  // namespace vigil

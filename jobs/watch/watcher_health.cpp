#include "jobs/watch/watcher_health.h"

#include <algorithm>

#include "store/db_time.h"
#include "store/watcher_repo.h"
#include "store/watcher_state_repo.h"

namespace vigil {

const char* HealthName(Health health) {
  switch (health) {
    case Health::kOk: return "ok";
    case Health::kFailing: return "failing";
    case Health::kSilent: return "silent";
    case Health::kDisabled: return "disabled";
    case Health::kPending: return "pending";
  }
  return "ok";
}

bool IsSilent(const HealthFacts& f, TimePoint now) {
  if (f.expect_every_ms <= 0) return false;
  int64_t from = std::max(f.last_event_us, f.since_us);
  if (from <= 0) return false;
  return ToMicros(now) - from > f.expect_every_ms * 1000;
}

Health ClassifyHealth(const HealthFacts& f, TimePoint now) {
  if (!f.runs) return Health::kDisabled;
  if (f.polled && f.last_poll_us == 0) return Health::kPending;
  if (f.failure_streak >= 1) return Health::kFailing;
  if (IsSilent(f, now)) return Health::kSilent;
  return Health::kOk;
}

HealthSettings HealthSettingsOf(const nlohmann::json& w) {
  HealthSettings s;
  auto every = w.find("expect_every");
  if (every != w.end() && every->is_number_integer()) s.expect_every_ms = every->get<int64_t>();
  auto after = w.find("alert_after");
  if (after != w.end() && after->is_number_integer()) s.alert_after = static_cast<int>(std::clamp<int64_t>(after->get<int64_t>(), 1, 10000));
  s.alerts = s.expect_every_ms > 0 || (after != w.end() && after->is_number_integer());
  return s;
}

std::string AlertCondition(const HealthFacts& f, int alert_after, TimePoint now) {
  if (!f.runs) return "";
  if (f.failure_streak >= alert_after) return "failing";
  if (IsSilent(f, now)) return "silent";
  return "";
}

AlertStep NextAlert(const std::string& alerted, const std::string& condition) {
  if (alerted.empty()) return {condition, condition};
  if (condition.empty()) return {"", "ok"};
  return {condition, ""};
}

Result<HealthContext> LoadHealthContext(SqlConnection& db, TimePoint now) {
  auto activity = WatcherActivityById(db, now);
  if (!activity.ok()) return activity.status();
  auto created = WatcherCreatedById(db);
  if (!created.ok()) return created.status();
  return HealthContext{now, std::move(*activity), std::move(*created)};
}

WatcherHealth HealthOf(SqlConnection& db, const nlohmann::json& w, const HealthContext& context) {
  WatcherHealth out;
  out.settings = HealthSettingsOf(w);
  HealthFacts& f = out.facts;
  std::string name = w.value("name", "");
  f.runs = w.value("enabled", true);
  f.polled = w.value("type", "") != "webhook";
  f.expect_every_ms = out.settings.expect_every_ms;
  auto id = WatcherIdByName(db, name);
  std::string key = id.ok() && *id ? WatcherIdKey(**id) : "";
  if (auto a = context.activity.find(key); a != context.activity.end()) out.activity = a->second;
  f.last_event_us = out.activity.last_event_us;
  auto state = GetWatcherState(db, name);
  if (state.ok() && *state) {
    f.last_poll_us = (*state)->last_poll_at_us;
    f.failure_streak = (*state)->consecutive_failures;
    f.since_us = (*state)->first_poll_at_us != 0 ? (*state)->first_poll_at_us : (*state)->last_poll_at_us;
    out.last_error = (*state)->last_error;
  }
  if (!f.polled) {
    auto created = context.created_us.find(key);
    f.since_us = created != context.created_us.end() ? created->second : 0;
  }
  out.health = ClassifyHealth(f, context.now);
  return out;
}

}  // namespace vigil

#include "jobs/watch/watcher_health_job.h"

#include <spdlog/spdlog.h>

#include "common/iso8601.h"
#include "config/units.h"
#include "jobs/deliver/ops_alerts.h"
#include "jobs/triage/triage_handler.h"
#include "jobs/watch/watcher_health.h"
#include "store/db_time.h"
#include "store/health_alert_repo.h"

namespace vigil {
namespace {

// "lab-feed", or a platform row's "name (id)".
std::string Shown(const nlohmann::json& w) {
  std::string name = w.value("name", "");
  if (!w.contains("platform_row")) return name;
  return w["platform_row"].value("name", "") + " (" + name + ")";
}

HealthAlertRow AlertText(const nlohmann::json& w, const WatcherHealth& h, const std::string& raise, const std::string& was,
                         TimePoint now) {
  HealthAlertRow a{.watcher = w.value("name", ""), .health = raise, .created_at_us = ToMicros(now)};
  std::string who = "Watcher " + Shown(w);
  std::string last_event = h.facts.last_event_us ? FormatUtcZ(FromMicros(h.facts.last_event_us)) : "never";
  if (raise == "failing") {
    a.title = who + " is failing: " + std::to_string(h.facts.failure_streak) + " polls in a row failed";
    a.summary = "Last error: " + h.last_error;
  } else if (raise == "silent") {
    a.title = who + " is silent: no event for longer than " + FormatDuration(std::chrono::milliseconds(h.settings.expect_every_ms));
    a.summary = "Last event: " + last_event + ".";
  } else {
    a.title = who + " recovered (it was " + was + ")";
    a.summary = "Last event: " + last_event + ".";
  }
  return a;
}

// Moves the state and, when this daemon moved it, stores the alert and its deliveries.
Result<bool> Raise(SqlConnection& db, const TriageSettings& settings, const std::string& watcher, const std::string& from,
                   const AlertStep& step, const HealthAlertRow& alert, TimePoint now) {
  bool raised = false;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto moved = MoveHealthAlertStateInTx(db, watcher, from, step.next, now);
    if (!moved.ok()) return moved.status();
    if (!*moved || step.raise.empty()) return Status::Ok();
    if (Status r = RaiseOpsAlertInTx(db, settings.ops_channels, alert, now); !r.ok()) return r;
    raised = true;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return raised;
}

}  // namespace

Result<int> CheckWatcherHealth(SqlConnection& db, const Config& config, const TriageSettings& settings, TimePoint now) {
  if (settings.ops_channels.empty()) return 0;
  auto context = LoadHealthContext(db, now);
  if (!context.ok()) return context.status();
  auto states = HealthAlertStates(db);
  if (!states.ok()) return states.status();
  int raised = 0;
  for (const auto& w : config.tree().value("watchers", nlohmann::json::array())) {
    WatcherHealth h = HealthOf(db, w, *context);
    if (!h.settings.alerts || h.health == Health::kDisabled || h.health == Health::kPending) continue;
    std::string name = w.value("name", "");
    std::string alerted = states->count(name) ? states->at(name) : "";
    AlertStep step = NextAlert(alerted, AlertCondition(h.facts, h.settings.alert_after, now));
    if (step.next == alerted && step.raise.empty()) continue;
    auto r = Raise(db, settings, name, alerted, step, AlertText(w, h, step.raise, alerted, now), now);
    if (!r.ok()) return r.status();
    if (*r) {
      raised++;
      spdlog::info("watcher_health: {}: {}", Shown(w), step.raise);
    }
  }
  return raised;
}

KindSpec WatcherHealthKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "watcher_health";
  spec.timeout = std::chrono::minutes(5);
  spec.handler = WithTriageSettings(runtime, [&runtime](const TriageSettings& settings, SqlConnection& db, JobContext& ctx) {
    auto raised = CheckWatcherHealth(db, *runtime.config(), settings, ctx.clock.Now());
    if (!raised.ok()) return JobResult::Retry(raised.error());
    return JobResult::Done();
  });
  return spec;
}

}  // namespace vigil

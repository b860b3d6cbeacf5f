// A watcher's health, as the console, GET /api/v1/watchers and /api/v1/overview show it, and the
// alerts the watcher_health job raises to notify.ops_channels (docs/watchers-health.md).
//
//   ok        nothing below holds
//   failing   its last poll failed (failure streak >= 1)
//   silent    `expect_every` is set and no event came for longer than it, counted from the later
//             of its last event and its first poll (a webhook, never polled: its row's creation)
//   disabled  it does not run (`enabled: false`; a platform row disabled, refused, shadowed, off)
//   pending   a polled watcher not polled yet
//
// ClassifyHealth and NextAlert are pure; LoadHealthContext and HealthOf read the database (the
// caller's connection, any thread).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "common/clock.h"
#include "store/sql.h"
#include "store/watcher_activity_repo.h"

namespace vigil {

enum class Health { kOk, kFailing, kSilent, kDisabled, kPending };
const char* HealthName(Health health);

inline constexpr int kDefaultAlertAfter = 3;

// What a watcher's health is told from.
struct HealthFacts {
  bool runs = true;           // false: disabled, or a platform row that does not run
  bool polled = true;         // false: a webhook, which answers requests and is never polled
  int64_t last_poll_us = 0;   // 0: never polled
  int64_t since_us = 0;       // when its silence may start: its first poll (a webhook: its row's creation); 0 unknown
  int failure_streak = 0;
  int64_t last_event_us = 0;  // 0: none
  int64_t expect_every_ms = 0;  // 0: off
};

// True when expect_every is set and no event came for longer than it since the later of the last
// event and since_us (a watcher with neither is not silent: nothing to count from).
bool IsSilent(const HealthFacts& facts, TimePoint now);
// disabled, then pending, then failing, then silent, else ok.
Health ClassifyHealth(const HealthFacts& facts, TimePoint now);

// A watcher's health settings from its block (YAML, or a platform row's config): expect_every
// (milliseconds, 0 off), alert_after (default 3); alerts are on when either key is set.
struct HealthSettings {
  int64_t expect_every_ms = 0;
  int alert_after = kDefaultAlertAfter;
  bool alerts = false;
};
HealthSettings HealthSettingsOf(const nlohmann::json& watcher);

// What an ops alert would be about now: "failing" (streak >= alert_after), else "silent", else ""
// (healthy, or failing fewer than alert_after times).
std::string AlertCondition(const HealthFacts& facts, int alert_after, TimePoint now);

// One step of a watcher's alert state ("" , "failing" or "silent": what ops channels were last
// told) given the condition now: the state to store and the alert to raise ("failing", "silent",
// "ok" for a recovery, "" for none). One alert when trouble starts, one when it ends; a failing
// watcher that also goes silent (or back) raises nothing new.
struct AlertStep {
  std::string next;
  std::string raise;
};
AlertStep NextAlert(const std::string& alerted, const std::string& condition);

// What HealthOf needs that is read once for every watcher.
struct HealthContext {
  TimePoint now;
  std::map<std::string, WatcherActivity> activity;  // by WatcherIdKey
  std::map<std::string, int64_t> created_us;       // by WatcherIdKey
};
Result<HealthContext> LoadHealthContext(SqlConnection& db, TimePoint now);

// A running watcher's facts (its block from the config's `watchers`), its id's key ("" when it has
// no row yet) and its activity.
struct WatcherHealth {
  HealthFacts facts;
  HealthSettings settings;
  Health health = Health::kPending;
  std::string last_error;  // "" for none
  WatcherActivity activity;
};
WatcherHealth HealthOf(SqlConnection& db, const nlohmann::json& watcher, const HealthContext& context);

}  // namespace vigil

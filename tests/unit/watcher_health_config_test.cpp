// The health keys (watchers' expect_every and alert_after, notify.ops_channels,
// jobs.watcher_health.every) as `vigil check` validates them, and the watcher_health schedule.
#include <gtest/gtest.h>

#include "daemon/platform_watchers.h"
#include "jobs/schedule_config.h"
#include "jobs/triage/triage_config.h"
#include "jobs/watch/watcher_health.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

constexpr const char* kChannels = "notify:\n  channels:\n    - {name: ops, type: webhook, url: 'https://hooks.example.org/ops'}\n";
constexpr const char* kHook = "watchers:\n  - {name: h, type: webhook, verify: {scheme: none}";

// The first error of loading `yaml` and deriving its schedules, or "(no error)".
std::string ErrorOf(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  if (!config.ok()) return config.error();
  auto s = SchedulesFrom(**config);
  return s.ok() ? "(no error)" : s.error();
}

TEST(WatcherHealthConfig, ExpectEveryIsADurationOnAnyWatcher) {
  auto config = ParseConfig(std::string(kHook) + ", expect_every: 6h, alert_after: 5}\n", "/etc/vigil/vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto settings = HealthSettingsOf((*config)->tree()["watchers"][0]);
  EXPECT_EQ(settings.expect_every_ms, 6 * 3600 * 1000);
  EXPECT_EQ(settings.alert_after, 5);
  EXPECT_TRUE(settings.alerts);
}

TEST(WatcherHealthConfig, RefusesABadExpectEveryOrAlertAfter) {
  std::string bad_every = ErrorOf(std::string(kHook) + ", expect_every: often}\n");
  EXPECT_NE(bad_every.find("vigil.yaml:2:"), std::string::npos) << bad_every;
  EXPECT_NE(bad_every.find("expect_every"), std::string::npos) << bad_every;
  std::string zero = ErrorOf(std::string(kHook) + ", alert_after: 0}\n");
  EXPECT_NE(zero.find("alert_after"), std::string::npos) << zero;
}

TEST(WatcherHealthConfig, OpsChannelsMustNameChannels) {
  std::string e = ErrorOf(std::string(kChannels) + "  ops_channels: [ops, pager]\n");
  EXPECT_NE(e.find("notify.ops_channels"), std::string::npos) << e;
  EXPECT_NE(e.find("\"pager\" is not a channel of notify.channels (it defines ops)"), std::string::npos) << e;
  std::string none = ErrorOf("notify:\n  ops_channels: [ops]\n");
  EXPECT_NE(none.find("\"ops\" is not a channel of notify.channels (it defines none)"), std::string::npos) << none;
  std::string twice = ErrorOf(std::string(kChannels) + "  ops_channels: [ops, ops]\n");
  EXPECT_NE(twice.find("named twice"), std::string::npos) << twice;
  EXPECT_EQ(ErrorOf(std::string(kChannels) + "  ops_channels: [ops]\n"), "(no error)");
}

TEST(WatcherHealthConfig, TheJobIsScheduledOnlyWithOpsChannels) {
  auto has_job = [](const std::string& yaml) -> std::optional<std::chrono::seconds> {
    auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
    EXPECT_TRUE(config.ok()) << config.error();
    auto all = SchedulesFrom(**config);
    EXPECT_TRUE(all.ok()) << all.error();
    for (const auto& s : *all) {
      if (s.name == "job:watcher_health") return s.interval->every;
    }
    return std::nullopt;
  };
  EXPECT_FALSE(has_job(kChannels));
  EXPECT_EQ(has_job(std::string(kChannels) + "  ops_channels: [ops]\n"), std::chrono::seconds(60));
  EXPECT_EQ(has_job(std::string(kChannels) + "  ops_channels: [ops]\njobs:\n  watcher_health: {every: 5s}\n"), std::chrono::seconds(5));
  std::string bad = ErrorOf("jobs:\n  watcher_health: {every: soon}\n");
  EXPECT_NE(bad.find("jobs.watcher_health.every"), std::string::npos) << bad;
}

// A platform row's config takes the same keys, checked with the same messages.
TEST(WatcherHealthConfig, APlatformRowsConfigTakesTheHealthKeys) {
  auto yaml = ParseConfig("database:\n  url: sqlite:/tmp/vigil-health-config-test.db\n", "/tmp/vigil.yaml");
  ASSERT_TRUE(yaml.ok()) << yaml.error();
  auto row = [](std::string id, std::string config) {
    PlatformWatcherRow r;
    r.id = std::move(id);
    r.name = "row " + r.id;
    r.type = "webhook";
    r.config = std::move(config);
    r.enabled = true;
    r.updated_at = "2026-12-02 06:00:00.000000";
    return r;
  };
  auto set = BuildWatcherSet(*yaml, {row("0a", R"({"verify": {"scheme": "none"}, "expect_every": "6h", "alert_after": 4})"),
                                     row("0b", R"({"verify": {"scheme": "none"}, "expect_every": "often"})")});
  ASSERT_TRUE(set.ok()) << set.error();
  ASSERT_EQ(set->rows.size(), 2u);
  EXPECT_EQ(set->rows[0].state, "running") << set->rows[0].error;
  EXPECT_EQ(set->rows[1].state, "refused");
  EXPECT_NE(set->rows[1].error.find("expect_every"), std::string::npos) << set->rows[1].error;
  const auto& running = set->config->tree()["watchers"][0];
  EXPECT_EQ(HealthSettingsOf(running).expect_every_ms, 6 * 3600 * 1000);
  EXPECT_EQ(HealthSettingsOf(running).alert_after, 4);
}

}  // namespace
}  // namespace vigil

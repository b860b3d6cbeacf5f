// `vigil cron next` through the built binary, with a fixed --from: an expression or a watcher's
// own schedule (cron or `every:`), normalised, each fire in its zone, in UTC and how far away.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"

namespace vigil {
namespace {

using testing::RunVigil;

TEST(CronNextE2E, ShowsTheNormalFormAndEachFireInTheZoneAndInUtc) {
  auto [code, out] = RunVigil({"cron", "next", "0 9 * * 1-5", "--tz", "Europe/Berlin", "--from", "2026-03-27T10:00", "-n", "2"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out,
            "  Original form: 0 9 * * 1-5\n"
            "Normalized form: 0 0 9 * * Mon-Fri\n"
            "      Time zone: Europe/Berlin\n"
            "           From: 2026-03-27T10:00:00+01:00\n"
            "\n"
            "#  LOCAL                          UTC\n"
            "1  Mon 2026-03-30T09:00:00+02:00  2026-03-30T07:00Z (in 2d 22h)\n"
            "2  Tue 2026-03-31T09:00:00+02:00  2026-03-31T07:00Z (in 3d 22h)\n");
}

TEST(CronNextE2E, JsonHasLocalUtcAndSecondsFromTheStart) {
  auto [code, out] = RunVigil({"cron", "next", "@daily", "--from", "2026-12-01T20:00:00Z", "--count", "2", "--json"});
  ASSERT_EQ(code, 0) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["expression"], "@daily");
  EXPECT_EQ(j["normalized"], "0 0 0 * * *");
  EXPECT_EQ(j["timezone"], "UTC");
  EXPECT_EQ(j["from"], "2026-12-01T20:00:00Z");
  ASSERT_EQ(j["next"].size(), 2u);
  EXPECT_EQ(j["next"][0], nlohmann::json({{"local", "2026-12-02T00:00:00+00:00"}, {"utc", "2026-12-02T00:00:00Z"}, {"in_seconds", 4 * 3600}}));
  EXPECT_EQ(j["next"][1]["in_seconds"], 28 * 3600);
}

TEST(CronNextE2E, BadInputIsAUsageError) {
  auto [bad, err] = RunVigil({"cron", "next", "0 25 * * *"});
  EXPECT_EQ(bad, 2);
  EXPECT_NE(err.find("vigil: \"0 25 * * *\": field 2 (hour)"), std::string::npos) << err;
  auto [zone, zone_err] = RunVigil({"cron", "next", "@daily", "--tz", "Mars/Olympus"});
  EXPECT_EQ(zone, 2);
  EXPECT_NE(zone_err.find("vigil: --tz: "), std::string::npos) << zone_err;
  auto [none, none_err] = RunVigil({"cron", "next"});
  EXPECT_EQ(none, 2);
  EXPECT_NE(none_err.find("give a cron expression or --watcher NAME"), std::string::npos) << none_err;
}

class CronNextWatcher : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nwatchers:\n"
                   "  - name: weekly\n    type: scheduled\n    schedule: '0 9 * * 1'\n    tz: Europe/Berlin\n"
                   "    emit:\n      title: 'review {{fire_at}}'\n"
                   "  - name: feed\n    type: literature\n    source: feed\n    url: https://example.org/feed\n    every: 10m\n");
  }
  testing::DaemonProcess d_;  // only its temp dir and config: no daemon is started
};

TEST_F(CronNextWatcher, ShowsACronWatchersScheduleInItsZone) {
  auto [code, out] = RunVigil({"cron", "next", "--watcher", "weekly", "-c", d_.config_path(), "--from", "2026-03-27T10:00:00Z", "-n", "1"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out,
            "  Original form: 0 9 * * 1\n"
            "Normalized form: 0 0 9 * * Mon\n"
            "      Time zone: Europe/Berlin\n"
            "           From: 2026-03-27T11:00:00+01:00\n"
            "\n"
            "#  LOCAL                          UTC\n"
            "1  Mon 2026-03-30T09:00:00+02:00  2026-03-30T07:00Z (in 2d 21h)\n");
}

TEST_F(CronNextWatcher, ShowsAnEveryWatchersSlots) {
  auto [code, out] = RunVigil({"cron", "next", "--watcher", "feed", "-c", d_.config_path(), "--from", "2026-03-27T10:03:00Z", "-n", "2", "--json"});
  ASSERT_EQ(code, 0) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["watcher"], "feed");
  EXPECT_EQ(j["expression"], "every: 10m");
  EXPECT_EQ(j["normalized"], "every 10m, slots from the Unix epoch");
  EXPECT_EQ(j["timezone"], "UTC");
  ASSERT_EQ(j["next"].size(), 2u);
  EXPECT_EQ(j["next"][0]["utc"], "2026-03-27T10:10:00Z");
  EXPECT_EQ(j["next"][0]["in_seconds"], 7 * 60);
  EXPECT_EQ(j["next"][1]["utc"], "2026-03-27T10:20:00Z");
}

TEST_F(CronNextWatcher, AnUnknownWatcherListsTheScheduledOnes) {
  auto [code, out] = RunVigil({"cron", "next", "--watcher", "nope", "-c", d_.config_path()});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("vigil: --watcher: no enabled watcher named \"nope\"; watchers with a schedule: feed, weekly"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil

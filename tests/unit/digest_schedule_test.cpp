// A community's `rules.digest` becomes a "digest:<community>" cron schedule in its time zone.
#include <gtest/gtest.h>

#include "common/iso8601.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

const char* kYaml =
    "communities:\n"
    "  - name: oncology\n"
    "    rules: {digest: {schedule: \"0 7 * * *\", tz: Europe/Berlin}}\n"
    "  - name: cardiology\n"
    "    rules: {keywords: {heart: 0.5}}\n";

std::vector<ScheduleSpec> Digests(const std::string& yaml) {
  auto config = ParseConfig(yaml, "vigil.yaml");
  EXPECT_TRUE(config.ok());
  auto all = SchedulesFrom(**config);
  EXPECT_TRUE(all.ok()) << all.error();
  std::vector<ScheduleSpec> out;
  for (auto& s : all.ok() ? *all : std::vector<ScheduleSpec>{}) {
    if (s.job.kind == "digest") out.push_back(std::move(s));
  }
  return out;
}

std::string NextAfter(const ScheduleSpec& s, const char* iso) {
  auto next = Scheduler::NextFire(s, *ParseIso8601(iso));
  return next ? FormatIso8601(*next) : "never";
}

TEST(DigestSchedule, OnlyCommunitiesWithADigestGetOne) {
  auto s = Digests(kYaml);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].name, "digest:oncology");
  EXPECT_EQ(s[0].job.args, nlohmann::json({{"community", "oncology"}}));
  EXPECT_EQ(s[0].catch_up, CatchUp::kOne);
}

TEST(DigestSchedule, FiresAtSevenBerlinTimeAcrossTheClockChange) {
  auto s = Digests(kYaml);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(NextAfter(s[0], "2026-03-27T12:00:00Z"), "2026-03-28T06:00:00+00:00") << "07:00 CET";
  EXPECT_EQ(NextAfter(s[0], "2026-03-28T12:00:00Z"), "2026-03-29T05:00:00+00:00") << "07:00 CEST, the day clocks go forward";
  EXPECT_EQ(NextAfter(s[0], "2026-10-24T12:00:00Z"), "2026-10-25T06:00:00+00:00") << "07:00 CET again";
}

TEST(DigestSchedule, BadZoneNamesFileLineAndKey) {
  auto config = ParseConfig("communities:\n  - name: x\n    rules: {digest: {schedule: \"0 7 * * *\", tz: Mars/Olympus}}\n", "vigil.yaml");
  ASSERT_TRUE(config.ok());
  auto all = SchedulesFrom(**config);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.error().find("vigil.yaml:3:"), std::string::npos) << all.error();
  EXPECT_NE(all.error().find("communities[0].rules.digest.tz"), std::string::npos) << all.error();
}

}  // namespace
}  // namespace vigil

// Validation of log and timed watcher config blocks, and the pieces of a timed check.
#include <gtest/gtest.h>

#include "common/text_template.h"
#include "jobs/schedule_config.h"
#include "sources/scheduled/json_path.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

Status Check(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/tmp/vigil.yaml");
  if (!config.ok()) return config.status();
  return SchedulesFrom(**config).status();
}

TEST(WatcherValidation, BadRe2InARuleNamesFileLineAndKey) {
  Status s = Check("watchers:\n  - name: a\n    type: log\n    paths: [/tmp/a.log]\n    rules:\n      - name: r\n        match: 'x(?P<ip>'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("vigil.yaml:7:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("watchers[0].rules[0].match: not a valid RE2 pattern"), std::string::npos) << s.message();
}

TEST(WatcherValidation, SqlCheckRefusesWritesAndSeveralStatements) {
  Status s = Check("watchers:\n  - name: q\n    type: scheduled\n    every: 1m\n    sql:\n      query: DELETE FROM watchers\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("watchers[0].sql.query: must be a SELECT or WITH"), std::string::npos) << s.message();
  EXPECT_FALSE(CheckReadOnlyQuery("SELECT 1; DELETE FROM watchers").ok());
  EXPECT_TRUE(CheckReadOnlyQuery("  with x as (select 1) select * from x;").ok());
}

TEST(WatcherValidation, TimedWatcherNeedsAScheduleAndOneCheck) {
  Status none = Check("watchers:\n  - name: t\n    type: scheduled\n    emit: {title: hi}\n");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("exactly one of schedule (cron) or every"), std::string::npos) << none.message();
  Status bad_cron = Check("watchers:\n  - name: t\n    type: scheduled\n    schedule: '61 * * * *'\n    emit: {title: hi}\n");
  ASSERT_FALSE(bad_cron.ok());
  EXPECT_NE(bad_cron.message().find("watchers[0].schedule"), std::string::npos) << bad_cron.message();
  Status two = Check("watchers:\n  - name: t\n    type: scheduled\n    every: 1h\n    emit: {title: a}\n    sql: {query: select 1}\n");
  EXPECT_FALSE(two.ok());
}

TEST(WatcherValidation, SchedulesLogAndTimedWatchers) {
  auto config = ParseConfig("watchers:\n  - name: l\n    type: log\n    paths: [/tmp/x.log]\n    rules: [{name: r, match: x}]\n"
                              "  - name: t\n    type: scheduled\n    schedule: '0 9 * * 1'\n    tz: Europe/Berlin\n    emit: {title: hi}\n",
                              "/tmp/vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto schedules = SchedulesFrom(**config);
  ASSERT_TRUE(schedules.ok()) << schedules.error();
  std::erase_if(*schedules, [](const ScheduleSpec& s) { return !s.name.starts_with("watcher:"); });  // triage retention etc.
  ASSERT_EQ(schedules->size(), 2u);
  EXPECT_EQ((*schedules)[0].name, "watcher:l");
  EXPECT_EQ((*schedules)[0].job.kind, "log_tail");
  EXPECT_EQ((*schedules)[0].interval->every, std::chrono::seconds(2));
  EXPECT_EQ((*schedules)[1].job.kind, "scheduled_watcher");
  EXPECT_TRUE((*schedules)[1].cron.has_value());
}

TEST(TextTemplate, FillsNamesAndLeavesMissingOnesEmpty) {
  nlohmann::json vars = {{"user", "root"}, {"n", 3}};
  EXPECT_EQ(RenderTemplate("{{user}} x{{ n }} {{missing}}!", vars), "root x3 !");
  EXPECT_EQ(RenderTemplate("open {{ only", vars), "open {{ only");
}

TEST(JsonPath, FindsNestedValuesAndConditionsCompare) {
  auto doc = nlohmann::json::parse(R"({"status": {"indicator": "major"}, "items": [{"n": 5}], "a b": 1})");
  ASSERT_NE(FindJsonPath(doc, "$.status.indicator"), nullptr);
  EXPECT_EQ(*FindJsonPath(doc, "$.status.indicator"), "major");
  EXPECT_EQ(*FindJsonPath(doc, "items[0].n"), 5);
  EXPECT_EQ(*FindJsonPath(doc, "$['a b']"), 1);
  EXPECT_EQ(FindJsonPath(doc, "$.items[3]"), nullptr);
  EXPECT_FALSE(ParseJsonPath("$.items[x]").ok());
  const nlohmann::json* n = FindJsonPath(doc, "$.items[0].n");
  EXPECT_TRUE(ConditionHolds(n, {">", 4}));
  EXPECT_FALSE(ConditionHolds(n, {"<", 4.5}));
  EXPECT_TRUE(ConditionHolds(n, {"==", 5.0}));
  EXPECT_TRUE(ConditionHolds(FindJsonPath(doc, "$.status.indicator"), {"!=", "none"}));
  EXPECT_FALSE(ConditionHolds(nullptr, {"exists", nullptr}));
}

// An index past what size_t holds threw std::out_of_range out of ParseJsonPath (from a config's
// json_path, through `vigil check` and the reload); it is an error like any malformed path.
TEST(JsonPath, AnIndexTooLargeForSizeTIsAnErrorNotAnException) {
  auto steps = ParseJsonPath("$.items[99999999999999999999999]");
  ASSERT_FALSE(steps.ok());
  EXPECT_EQ(steps.error(), "[99999999999999999999999] is too large an index");
  EXPECT_EQ(FindJsonPath(nlohmann::json::parse(R"({"items": [1]})"), "$.items[18446744073709551616]"), nullptr);
  auto largest = ParseJsonPath("$[18446744073709551615]");
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(std::get<size_t>((*largest)[0]), 18446744073709551615u);
}

}  // namespace
}  // namespace vigil

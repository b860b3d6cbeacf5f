// Validation of log and timed watcher config blocks, and the pieces of a timed check.
#include <gtest/gtest.h>

#include "common/text_template.h"
#include "jobs/schedule_config.h"
#include "sources/scheduled/json_path.h"
#include "sources/scheduled/scheduled_watcher_spec.h"
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

// A key written with no value (`query:`) is null in the block: an error like a missing key, never
// json's type_error (found by config_load_fuzz).
TEST(WatcherValidation, KeysWrittenWithoutAValueAreMissingNotACrash) {
  Status sql = Check("watchers:\n  - name: q\n    type: scheduled\n    every: 1m\n    sql:\n      query:\n      title:\n");
  ASSERT_FALSE(sql.ok());
  EXPECT_NE(sql.message().find("watchers[0].sql.query: is required"), std::string::npos) << sql.message();
  Status http = Check("watchers:\n  - name: h\n    type: scheduled\n    every: 1m\n    http:\n      url:\n"
                      "      json_path:\n      summary:\n      condition: {op: , value: 1}\n");
  EXPECT_FALSE(http.ok());
  Status emit = Check("watchers:\n  - name: e\n    type: scheduled\n    every: 1m\n    emit: {title: hi, summary: }\n");
  EXPECT_TRUE(emit.ok()) << emit.message();
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

TEST(WatcherValidation, SchedulesTimedWatchersButNotLogWatchers) {
  auto config = ParseConfig("watchers:\n  - name: l\n    type: log\n    paths: [/tmp/x.log]\n    rules: [{name: r, match: x}]\n"
                              "  - name: t\n    type: scheduled\n    schedule: '0 9 * * 1'\n    tz: Europe/Berlin\n    emit: {title: hi}\n",
                              "/tmp/vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto schedules = SchedulesFrom(**config);
  ASSERT_TRUE(schedules.ok()) << schedules.error();
  std::erase_if(*schedules, [](const ScheduleSpec& s) { return !s.name.starts_with("watcher:"); });  // triage retention etc.
  // A log watcher's passes come from change notification and its fallback check (LogWakeups).
  ASSERT_EQ(schedules->size(), 1u);
  EXPECT_EQ((*schedules)[0].name, "watcher:t");
  EXPECT_EQ((*schedules)[0].job.kind, "scheduled_watcher");
  EXPECT_TRUE((*schedules)[0].cron.has_value());
}

const char* kSqlWatcher = "watchers:\n  - name: stuck\n    type: scheduled\n    every: 5m\n    sql:\n      query: SELECT id FROM sessions\n";

Result<ScheduledWatcherSpec> SqlSpec(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  if (!config.ok()) return config.status();
  return ParseScheduledWatcherSpec(**config, (*config)->tree()["watchers"][0], 0);
}

TEST(SqlDatabase, WithoutDatabaseTheQueryReadsVigilsOwnWithA30sLimit) {
  auto spec = SqlSpec(kSqlWatcher);
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_EQ(spec->database_url, "");
  EXPECT_EQ(spec->database_label, "vigil");
  EXPECT_EQ(spec->timeout, std::chrono::seconds(30));
}

TEST(SqlDatabase, TakesANameFromDatabasesOrAUrl) {
  std::string databases = "databases:\n  platform: postgresql://ro:pw@db/platform\n";
  auto named = SqlSpec(databases + kSqlWatcher + "      database: platform\n      timeout: 1s\n");
  ASSERT_TRUE(named.ok()) << named.error();
  EXPECT_EQ(named->database_url, "postgresql://ro:pw@db/platform");
  EXPECT_EQ(named->database_label, "platform");
  EXPECT_EQ(named->timeout, std::chrono::seconds(1));
  auto url = SqlSpec(std::string(kSqlWatcher) + "      database: 'postgresql://ro:pw@db/platform'\n");
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->database_label, "postgresql://ro:***@db/platform");
  auto relative = SqlSpec(std::string(kSqlWatcher) + "      database: {url: 'sqlite:debates.db'}\n");
  ASSERT_TRUE(relative.ok()) << relative.error();
  EXPECT_EQ(relative->database_url, "sqlite:/etc/vigil/debates.db");
}

TEST(SqlDatabase, AnUnknownNameIsACheckErrorAtItsKey) {
  Status s = Check("databases:\n  platform: sqlite:p.db\n" + std::string(kSqlWatcher) + "      database: platfrom\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "vigil.yaml:9:17: watchers[0].sql.database: no database named \"platfrom\" in databases: "
                         "(named there: platform)");
}

TEST(SqlDatabase, TimeoutIsADurationWithinBounds) {
  Status bad = Check(std::string(kSqlWatcher) + "      timeout: soon\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("vigil.yaml:7:16: watchers[0].sql.timeout: expected a duration"), std::string::npos) << bad.message();
  Status long_one = Check(std::string(kSqlWatcher) + "      timeout: 10m\n");
  ASSERT_FALSE(long_one.ok());
  EXPECT_NE(long_one.message().find("watchers[0].sql.timeout: must be between 100ms and 4m"), std::string::npos) << long_one.message();
}

// A block from a row of the platform's watchers table, as the row loader hands it over: the YAML
// cannot set platform_row, so it is added by hand here.
Result<ScheduledWatcherSpec> PlatformRowSpec(const nlohmann::json& database) {
  auto config = ParseConfig("databases:\n  platform: sqlite:/srv/platform.db\n", "/etc/vigil/vigil.yaml");
  if (!config.ok()) return config.status();
  nlohmann::json block = {{"name", "stuck-sessions"}, {"type", "scheduled"}, {"every", 300000},
                          {"sql", {{"query", "SELECT id FROM sessions"}, {"database", database}}},
                          {"platform_row", {{"id", "5f0c8a3e9d2b4c1a8e7f6a5b4c3d2e1f"}, {"name", "stuck-sessions"}}}};
  return ParseScheduledWatcherSpec(**config, block, 0);
}

TEST(SqlDatabase, APlatformRowMayOnlyNameAnEntryOfDatabases) {
  auto named = PlatformRowSpec("platform");
  ASSERT_TRUE(named.ok()) << named.error();
  EXPECT_EQ(named->database_url, "sqlite:/srv/platform.db");
  for (const nlohmann::json& url : {nlohmann::json("postgresql://vigil:hunter2@10.0.0.5/platform"),
                                    nlohmann::json("sqlite:/etc/shadow.db"), nlohmann::json{{"url", "sqlite:/srv/platform.db"}}}) {
    auto refused = PlatformRowSpec(url);
    ASSERT_FALSE(refused.ok()) << url;
    EXPECT_NE(refused.error().find("watchers[0].sql.database: a platform watcher's sql.database must name an entry of databases:"),
              std::string::npos)
        << refused.error();
    EXPECT_EQ(refused.error().find("hunter2"), std::string::npos) << refused.error();
  }
  auto unknown = PlatformRowSpec("other");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("no database named \"other\""), std::string::npos) << unknown.error();
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

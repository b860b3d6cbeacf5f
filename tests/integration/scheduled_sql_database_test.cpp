// A timed watcher's sql on another database (`sql.database`), run as the scheduled_watcher job on
// real SQLite and PostgreSQL: seed 002's `sessions` table lives in the platform's database, and a
// watcher finds the debate sessions stuck in INIT. The query reads through a read-only connection
// with a statement time limit; a refused write, a timeout and an unreachable database are the
// watcher's last error, never a crash, and leave the platform's rows as they were.
#include <gtest/gtest.h>

#include <chrono>

#include "common/clock.h"
#include "jobs/watch/scheduled_watcher_job.h"
#include "sources/watcher_checks.h"
#include "store/watcher_state_repo.h"
#include "tests/support/platform_db.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class ScheduledSqlDatabase : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    own_ = vigil_db_.ConnectMigrated({{.name = "stuck", .type = "scheduled", .community = "debates"}});
    ASSERT_TRUE(own_);
    auto platform = platform_db_.Connect();
    ASSERT_TRUE(platform);
    Status s = testing::CreateDebateSessions(*platform);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  // A config whose watcher `stuck` has `sql_yaml` (indented under sql:) and `databases:` naming
  // the platform's database `platform`.
  void UseConfig(const std::string& sql_yaml) {
    std::string yaml = "database:\n  url: " + vigil_db_.url() + "\ndatabases:\n  platform: " + platform_db_.url() +
                       "\nwatchers:\n  - name: stuck\n    type: scheduled\n    community: debates\n    every: 1m\n"
                       "    dedupe_key: 'session-{{id}}'\n    sql:\n" + sql_yaml;
    auto config = ParseConfig(yaml, "/tmp/vigil.yaml");
    ASSERT_TRUE(config.ok()) << config.error();
    runtime_ = std::make_unique<Runtime>(*config);
  }
  // YAML double quotes: the queries hold single quotes.
  static std::string Quoted(const std::string& text) { return "\"" + text + "\""; }
  JobResult Fire() {
    KindSpec kind = ScheduledWatcherKind(*runtime_);
    JobRow row;
    row.kind = "scheduled_watcher";
    row.attempt = 1;
    nlohmann::json args = {{"watcher", "stuck"}, {"fire_at", "2026-03-02T10:00:00Z"}};
    CancelToken cancel;
    SqlConnection* db = own_.get();
    JobContext ctx{row, args, cancel, SystemClock::Instance(), "test", [db]() -> Result<SqlConnection*> { return db; }, nullptr};
    return kind.handler(ctx);
  }
  std::vector<std::string> EventTitles() {
    std::vector<std::string> out;
    auto r = own_->Query("SELECT title FROM watcher_events ORDER BY title");
    EXPECT_TRUE(r.ok()) << r.error();
    if (r.ok())
      for (const auto& row : r->rows) out.push_back(row.Text(0));
    return out;
  }
  std::string LastError() {
    auto state = GetWatcherState(*own_, "stuck");
    EXPECT_TRUE(state.ok() && state->has_value());
    return state.ok() && state->has_value() ? (*state)->last_error : "";
  }
  int64_t PlatformCount(const std::string& where) {
    auto platform = platform_db_.Connect();
    return platform->Query("SELECT COUNT(*) FROM sessions WHERE " + where)->rows.at(0).Int(0);
  }

  testing::TestDb vigil_db_{"sqlite"};
  testing::TestDb platform_db_{GetParam()};
  std::unique_ptr<SqlConnection> own_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_P(ScheduledSqlDatabase, FindsStuckSessionsInTheDatabaseNamedInDatabases) {
  UseConfig("      database: platform\n      query: " + Quoted(testing::StuckSessionsQuery(GetParam())) +
            "\n      title: 'debate session {{id}} stuck in {{status}}'\n");
  JobResult r = Fire();
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(EventTitles(), std::vector<std::string>{"debate session " + std::string(testing::kStuckSessionId) + " stuck in INIT"});
  EXPECT_EQ(LastError(), "");
  Fire();
  EXPECT_EQ(EventTitles().size(), 1u) << "the second fire finds the same session: deduplicated by its key";
}

TEST_P(ScheduledSqlDatabase, AUrlGivenInTheYamlIsReadToo) {
  UseConfig("      database: " + Quoted(platform_db_.url()) + "\n      query: " + Quoted(testing::StuckSessionsQuery(GetParam())) +
            "\n      title: 'stuck {{id}}'\n");
  JobResult r = Fire();
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(EventTitles(), std::vector<std::string>{"stuck " + std::string(testing::kStuckSessionId)});
}

TEST_P(ScheduledSqlDatabase, AWriteIsRefusedAndBecomesTheWatchersLastError) {
  UseConfig("      database: platform\n      query: \"WITH old AS (SELECT 1) UPDATE sessions SET status = 'ERROR'\"\n");
  JobResult r = Fire();
  EXPECT_EQ(r.kind, JobResult::Kind::kRetry);
  std::string error = LastError();
  EXPECT_NE(error.find("sql on platform: the query tried to write, and a timed watcher's sql runs read-only"), std::string::npos)
      << error;
  EXPECT_EQ(PlatformCount("status = 'ERROR'"), 0);
  EXPECT_TRUE(EventTitles().empty());
}

TEST_P(ScheduledSqlDatabase, AStatementPastSqlTimeoutIsCancelled) {
  std::string slow = std::string(GetParam()) == "postgres"
                         ? "SELECT pg_sleep(5)"
                         : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c";
  UseConfig("      database: platform\n      timeout: 1s\n      query: " + Quoted(slow) + "\n");
  auto started = std::chrono::steady_clock::now();
  JobResult r = Fire();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  EXPECT_EQ(r.kind, JobResult::Kind::kRetry);
  std::string error = LastError();
  EXPECT_NE(error.find("the query ran past sql.timeout (1s)"), std::string::npos) << error;
  // The next fire, with a quick query, succeeds on a fresh connection.
  UseConfig("      database: platform\n      timeout: 1s\n      query: " + Quoted(testing::StuckSessionsQuery(GetParam())) + "\n");
  EXPECT_EQ(Fire().kind, JobResult::Kind::kDone);
  EXPECT_EQ(EventTitles().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ScheduledSqlDatabase, ::testing::ValuesIn(testing::kDialects));

// The outage cases need no platform database: an unreachable server and a missing file.
class ScheduledSqlOutage : public ScheduledSqlDatabase {};

TEST_P(ScheduledSqlOutage, AnUnreachableDatabaseIsAFailedFireWithoutItsPassword) {
  std::string url = std::string(GetParam()) == "postgres" ? "postgresql://vigil:hunter2@127.0.0.1:1/platform"
                                                          : "sqlite:" + vigil_db_.url().substr(7) + ".missing/platform.db";
  UseConfig("      database: " + Quoted(url) + "\n      query: 'SELECT 1 AS one'\n");
  JobResult r = Fire();
  EXPECT_EQ(r.kind, JobResult::Kind::kRetry);
  std::string error = LastError();
  EXPECT_NE(error.find("sql on "), std::string::npos) << error;
  EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  EXPECT_EQ(r.error.find("hunter2"), std::string::npos) << r.error;
  EXPECT_TRUE(EventTitles().empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, ScheduledSqlOutage, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

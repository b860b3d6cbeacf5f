// Timed watchers through the built binary on a 1 s interval: emit, an HTTP check against a local
// JSON endpoint, and a SQL check whose rows become events (on vigil's database, and on the
// platform's own SQLite and PostgreSQL databases); a fire's events are stored once.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/iso8601.h"
#include "sources/scheduled/scheduled_check.h"
#include "store/db_time.h"
#include "store/sql.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

class ScheduledWatcherE2E : public testsupport::StandInServer {
 protected:
  void SetUp() override {
    StartStandIn([](const HttpRequest& req, int) {
      HttpResponse r;
      r.headers.emplace_back("Content-Type", "application/json");
      r.body = req.path == "/status.json" ? R"({"status": {"indicator": "major", "open": 3}})" : "{}";
      return testsupport::ScriptedAnswer{r};
    });
  }
  std::vector<nlohmann::json> Events(const std::string& watcher) {
    std::vector<nlohmann::json> out;
    auto db = OpenSqlConnection("sqlite:" + d_.dir().File("vigil.db"));
    if (!db.ok()) return out;
    auto r = (*db)->Query("SELECT e.title, e.source_id, e.source_type, e.source_metadata FROM watcher_events e JOIN watchers w"
                          " ON w.id = e.watcher_id WHERE w.name = $1 ORDER BY e.source_id",
                          {watcher});
    if (!r.ok()) return out;
    for (const auto& row : r->rows)
      out.push_back({{"title", row.Text(0)}, {"source_id", row.Text(1)}, {"type", row.Text(2)}, {"meta", nlohmann::json::parse(row.Text(3))}});
    return out;
  }
  bool WaitEvents(const std::string& watcher, size_t n, std::chrono::milliseconds timeout) {
    return testing::WaitFor([&] { return Events(watcher).size() >= n; }, timeout, 100ms);
  }
  DaemonProcess d_;
};

TEST_F(ScheduledWatcherE2E, EmitHttpAndSqlChecksFireOnTheirSchedule) {
  std::string url = Url();
  d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n"
                 "watchers:\n"
                 "  - name: tick\n    type: scheduled\n    every: 1s\n    emit: {title: 'tick at {{fire_at}}', summary: '{{watcher}}'}\n"
                 "  - name: incident\n    type: scheduled\n    every: 1s\n    dedupe_key: 'incident-{{value}}'\n"
                 "    http:\n      url: " + url + "/status.json\n      json_path: $.status.indicator\n"
                 "      condition: {op: '!=', value: none}\n      title: 'status is {{value}}'\n"
                 "  - name: calm\n    type: scheduled\n    every: 1s\n"
                 "    http:\n      url: " + url + "/status.json\n      json_path: $.status.open\n      condition: {op: '>', value: 10}\n"
                 "  - name: roster\n    type: scheduled\n    every: 1s\n    dedupe_key: 'watcher-{{name}}'\n"
                 "    sql:\n      query: SELECT name, watcher_type AS type FROM watchers WHERE watcher_type = 'scheduled' ORDER BY name\n"
                 "      title: '{{name}} is a {{type}} watcher'\n");
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("tick", 2, 20s)) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("roster", 4, 20s)) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("incident", 1, 20s)) << d_.Stderr();
  // Two more fires of every watcher (tick stores one event a fire): the deduplicated checks add nothing.
  ASSERT_TRUE(WaitEvents("tick", Events("tick").size() + 2, 20s)) << d_.Stderr();
  d_.Signal(SIGTERM);
  EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();

  auto ticks = Events("tick");
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_NE(ticks[0]["source_id"], ticks[1]["source_id"]) << "one event per fire";
  EXPECT_EQ(ticks[0]["title"], "tick at " + ticks[0]["source_id"].get<std::string>());
  EXPECT_EQ(ticks[0]["type"], "scheduled");
  auto incident = Events("incident");
  ASSERT_EQ(incident.size(), 1u) << "deduplicated by its key across fires";
  EXPECT_EQ(incident[0]["title"], "status is major");
  EXPECT_EQ(incident[0]["meta"]["value"], "major");
  EXPECT_TRUE(Events("calm").empty()) << "3 > 10 does not hold";
  EXPECT_GE(Arrivals().size(), 4u);
  auto roster = Events("roster");
  ASSERT_EQ(roster.size(), 4u);
  EXPECT_EQ(roster[0]["title"], "calm is a scheduled watcher");
  EXPECT_EQ(roster[0]["meta"]["row"]["name"], "calm");
}

// Five timed watchers that only emit, every second: the fires of each moment run as one job (a
// batch), and across a kill -9 and a restart every fire whose job completed stored its watcher's
// event, once, and no event belongs to a fire that was not recorded.
TEST_F(ScheduledWatcherE2E, EmittingWatchersFiringTogetherRunAsOneJobAndStoreEachFireOnceAcrossAKill) {
  std::string yaml = "database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\nwatchers:\n";
  std::vector<std::string> names = {"t1", "t2", "t3", "t4", "t5"};
  for (const auto& n : names) yaml += "  - {name: " + n + ", type: scheduled, every: 1s, emit: {title: '" + n + " {{fire_at}}'}}\n";
  d_.WriteConfig(yaml);
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("t5", 2, 20s)) << d_.Stderr();
  d_.Signal(SIGKILL);
  EXPECT_EQ(d_.Wait(5s), -SIGKILL);
  size_t before = Events("t5").size();
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("t5", before + 2, 20s)) << d_.Stderr();
  d_.Signal(SIGTERM);
  EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();

  auto db = OpenSqlConnection("sqlite:" + d_.dir().File("vigil.db"));
  ASSERT_TRUE(db.ok()) << db.error();
  auto batches = (*db)->Query("SELECT args FROM vigil_jobs WHERE kind = 'scheduled_watcher'");
  ASSERT_TRUE(batches.ok()) << batches.error();
  size_t of_five = 0;
  for (const auto& row : batches->rows) {
    auto args = nlohmann::json::parse(row.Text(0));
    if (args.contains("batch") && args["batch"].size() == names.size()) ++of_five;
  }
  EXPECT_GE(of_five, 2u) << "the five fires of a moment are one job";
  auto fires = (*db)->Query("SELECT f.schedule, f.fire_at, j.state FROM vigil_schedule_fires f JOIN vigil_jobs j ON j.id = f.job_id");
  ASSERT_TRUE(fires.ok()) << fires.error();
  std::map<std::string, std::set<std::string>> recorded, completed;  // watcher -> fire times
  for (const auto& row : fires->rows) {
    std::string watcher = row.Text(0).substr(std::string("watcher:").size());
    std::string at = FormatIso8601(FromMicros(row.Int(1)));
    recorded[watcher].insert(at);
    if (row.Text(2) == "completed") completed[watcher].insert(at);
  }
  for (const auto& n : names) {
    std::set<std::string> stored;
    for (const auto& e : Events(n)) EXPECT_TRUE(stored.insert(e["source_id"].get<std::string>()).second) << n << " stored a fire twice";
    EXPECT_GE(completed[n].size(), before + 1) << n;
    for (const auto& at : completed[n]) EXPECT_EQ(stored.count(at), 1u) << n << "'s fire " << at << " completed without its event";
    for (const auto& at : stored) EXPECT_EQ(recorded[n].count(at), 1u) << n << " stored an event for " << at << ", never fired";
  }
}

// Seed 002's debate sessions in two databases of the platform's, a separate SQLite file (named by
// a relative URL in the YAML) and a PostgreSQL database (named in databases:), each watched for
// stuck sessions; beside them, a watcher whose query writes and one that sleeps past its timeout.
// The daemon keeps running, shows each failure as the watcher's last error, and writes nothing.
TEST_F(ScheduledWatcherE2E, SqlWatchersReadStuckSessionsFromThePlatformsDatabases) {
  {
    auto sqlite = OpenSqlConnection("sqlite:" + d_.dir().File("debates.db"));
    ASSERT_TRUE(sqlite.ok()) << sqlite.error();
    Status s = testing::CreateDebateSessions(**sqlite);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  testing::TestDb pg("postgres");
  auto pg_conn = pg.Connect();
  ASSERT_TRUE(pg_conn);
  Status seeded = testing::CreateDebateSessions(*pg_conn);
  ASSERT_TRUE(seeded.ok()) << seeded.message();
  auto watcher = [](const std::string& name, const std::string& sql) {
    return "  - name: " + name + "\n    type: scheduled\n    every: 1s\n    dedupe_key: 'session-{{id}}'\n    sql:\n" + sql;
  };
  d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n"
                 "databases:\n  debates: " + pg.url() + "\nwatchers:\n" +
                 watcher("stuck-sqlite", "      database: 'sqlite:debates.db'\n      query: \"" + testing::StuckSessionsQuery("sqlite") +
                                             "\"\n      title: 'session {{id}} stuck in {{status}}'\n") +
                 watcher("stuck-pg", "      database: debates\n      query: \"" + testing::StuckSessionsQuery("postgres") +
                                         "\"\n      title: 'session {{id}} stuck in {{status}}'\n") +
                 watcher("writer", "      database: debates\n      query: \"WITH x AS (SELECT 1) UPDATE sessions SET status = 'ERROR'\"\n") +
                 watcher("sleeper", "      database: debates\n      timeout: 1s\n      query: SELECT pg_sleep(5)\n"));
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("stuck-sqlite", 1, 20s)) << d_.Stderr();
  ASSERT_TRUE(WaitEvents("stuck-pg", 1, 20s)) << d_.Stderr();
  nlohmann::json errors;
  bool shown = testing::WaitFor([&] {
    auto [code, out] = testing::RunVigil({"watchers", "list", "--json", "--config", d_.config_path()});
    if (code != 0) return false;
    auto rows = nlohmann::json::parse(out, nullptr, false);
    if (!rows.is_array()) return false;
    for (const auto& r : rows) errors[r["name"].get<std::string>()] = r.value("last_error", nlohmann::json());
    return errors["writer"].is_string() && errors["sleeper"].is_string();
  }, 30s, 250ms);
  ASSERT_TRUE(shown) << errors.dump() << d_.Stderr();
  EXPECT_NE(errors["writer"].get<std::string>().find("sql on debates: the query tried to write"), std::string::npos) << errors["writer"];
  EXPECT_NE(errors["sleeper"].get<std::string>().find("the query ran past sql.timeout (1s)"), std::string::npos) << errors["sleeper"];
  EXPECT_TRUE(errors["stuck-pg"].is_null()) << errors["stuck-pg"];
  EXPECT_TRUE(errors["stuck-sqlite"].is_null()) << errors["stuck-sqlite"];
  d_.Signal(SIGTERM);
  EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();

  std::string stuck = "session " + std::string(testing::kStuckSessionId) + " stuck in INIT";
  for (const char* name : {"stuck-sqlite", "stuck-pg"}) {
    auto events = Events(name);
    ASSERT_EQ(events.size(), 1u) << name << ": one stuck session, deduplicated across fires";
    EXPECT_EQ(events[0]["title"], stuck) << name;
    EXPECT_EQ(events[0]["meta"]["row"]["original_prompt"], "Is the hypothesis falsifiable?") << name;
  }
  EXPECT_EQ(pg_conn->Query("SELECT COUNT(*) FROM sessions WHERE status = 'ERROR'")->rows.at(0).Int(0), 0);
  auto sqlite = OpenSqlConnection("sqlite:" + d_.dir().File("debates.db"));
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ((*sqlite)->Query("SELECT COUNT(*) FROM sessions")->rows.at(0).Int(0), 3);
}

TEST(ScheduledSqlCheck, AnUnknownDatabaseNameFailsVigilCheckAtItsKey) {
  testing::TempDir dir;
  std::string config = dir.Write("vigil.yaml",
                                 "database:\n  url: sqlite:vigil.db\ndatabases:\n  debates: sqlite:debates.db\nwatchers:\n"
                                 "  - name: stuck\n    type: scheduled\n    every: 10m\n    sql:\n      database: debtes\n"
                                 "      query: SELECT id FROM sessions\n");
  auto [code, out] = testing::RunVigil({"check", "--config", config});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("vigil.yaml:10:17: watchers[0].sql.database: no database named \"debtes\" in databases: (named there: debates)"),
            std::string::npos)
      << out;
}

class ReadOnlyQueryTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "a", .type = "log"}, {.name = "b", .type = "scheduled"}});
    ASSERT_TRUE(conn_);
  }
  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
};

TEST_P(ReadOnlyQueryTest, RowsComeBackAsObjects) {
  auto rows = ReadOnlyQuery(*conn_, "SELECT name, watcher_type AS type FROM watchers ORDER BY name;");
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1]["name"], "b");
  EXPECT_EQ((*rows)[1]["type"], "scheduled");
}

TEST_P(ReadOnlyQueryTest, AWriteHiddenInACteIsRefusedByTheDatabase) {
  auto r = ReadOnlyQuery(*conn_, "WITH gone AS (DELETE FROM watchers RETURNING name) SELECT name FROM gone");
  if (conn_->dialect() == "sqlite") r = ReadOnlyQuery(*conn_, "WITH x AS (SELECT 1) DELETE FROM watchers");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(conn_->Query("SELECT COUNT(*) FROM watchers")->rows[0].Int(0), 2);
  EXPECT_TRUE(conn_->Query("UPDATE watchers SET description = 'x'").ok()) << "the connection is writable again afterwards";
}

INSTANTIATE_TEST_SUITE_P(Dialects, ReadOnlyQueryTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

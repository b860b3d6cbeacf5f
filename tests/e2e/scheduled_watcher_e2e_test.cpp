// Timed watchers through the built binary on a 1 s interval: emit, an HTTP check against a local
// JSON endpoint, and a SQL check whose rows become events; a fire's events are stored once.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "sources/scheduled/scheduled_check.h"
#include "store/sql.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
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

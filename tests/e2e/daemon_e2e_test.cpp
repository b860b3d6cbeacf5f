// The built vigil binary, run as a process: serving, signals, sd_notify and the CLI verbs.
#include <gtest/gtest.h>
#include <signal.h>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::RunVigil;
using testsupport::RawHttpClient;

const char* kConfig = R"(database:
  url: sqlite:vigil.db
http:
  listen: 127.0.0.1:${PORT}
watchers:
  - name: gh
    type: webhook
    verify: {scheme: none}
    community: oncology
)";

std::optional<testsupport::RawHttpResponse> Get(int port, const std::string& path) {
  RawHttpClient client(port);
  if (!client.connected()) return std::nullopt;
  client.Send(testsupport::MakeRequest("GET", path));
  return client.ReadResponse(5s);
}

int64_t CountRows(const std::string& db_path, const std::string& sql) {
  auto conn = OpenSqlConnection("sqlite:" + db_path);
  if (!conn.ok()) return -1;
  auto r = (*conn)->Query(sql);
  return r.ok() ? r->rows[0].Int(0) : -1;
}

TEST(DaemonE2E, ServesHealthReadyAndMetrics) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto health = Get(d.port(), "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ready = Get(d.port(), "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  auto metrics = Get(d.port(), "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("vigil_build_info{version="), std::string::npos);
  EXPECT_NE(metrics->body.find("vigil_uptime_seconds"), std::string::npos);
  // A running daemon holds some connections (the event writer's, the job engine's): not zero.
  EXPECT_NE(metrics->body.find("\nvigil_database_connections "), std::string::npos) << metrics->body;
  EXPECT_EQ(metrics->body.find("\nvigil_database_connections 0\n"), std::string::npos) << metrics->body;
  // On SQLite (this config's database) the daemon's connections hold some of SQLite's heap.
  EXPECT_NE(metrics->body.find("\nvigil_sqlite_page_cache_bytes "), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("\nvigil_sqlite_heap_bytes "), std::string::npos) << metrics->body;
  EXPECT_EQ(metrics->body.find("\nvigil_sqlite_heap_bytes 0\n"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("vigil_http_requests_total{route=\"/healthz\",code=\"200\"} 1"), std::string::npos)
      << metrics->body;
  auto missing = Get(d.port(), "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0);
  EXPECT_EQ(d.Stderr().find("handles still open"), std::string::npos) << "every libuv handle closed before exit";
  EXPECT_NE(d.Stderr().find("stopped"), std::string::npos);
}

TEST(DaemonE2E, MethodNotAllowedNamesAllowedMethods) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  RawHttpClient client(d.port());
  client.Send(testsupport::MakeRequest("POST", "/healthz", "x"));
  auto res = client.ReadResponse(5s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->HeaderValue("Allow"), "GET");
}

TEST(DaemonE2E, SendsReadyStatusAndStoppingNotifications) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto ready = d.WaitNotify("READY=1", 1s);
  ASSERT_TRUE(ready);
  EXPECT_NE(ready->find("STATUS=serving"), std::string::npos);
  d.Signal(SIGTERM);
  EXPECT_TRUE(d.WaitNotify("STOPPING=1", 10s));
  EXPECT_EQ(d.Wait(10s), 0);
}

TEST(DaemonE2E, PingsTheWatchdogAtHalfItsInterval) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon({{"WATCHDOG_USEC", "200000"}})) << d.Stderr();
  EXPECT_TRUE(d.WaitNotify("WATCHDOG=1", 2s));
}

TEST(DaemonE2E, SighupWithBrokenConfigKeepsServingTheOldOne) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  d.WriteConfig(std::string(kConfig) + "    bogus: 1\n");
  d.Signal(SIGHUP);
  ASSERT_TRUE(d.WaitNotify("RELOADING=1", 5s));
  auto after = d.WaitNotify("last reload failed", 5s);
  ASSERT_TRUE(after) << d.Stderr();
  EXPECT_NE(after->find("READY=1"), std::string::npos);
  EXPECT_NE(d.Stderr().find("vigil.yaml:10:5: watchers[0].bogus: unknown key (valid keys: name, type"), std::string::npos) << d.Stderr();
  auto health = Get(d.port(), "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0);
}

TEST(DaemonE2E, SighupWithValidConfigSyncsWatchers) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  std::string db = d.dir().File("vigil.db");
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM watchers WHERE enabled = 1"), 1);
  d.WriteConfig(std::string(kConfig) + "  - name: second\n    type: webhook\n    verify: {scheme: none}\n");
  d.Signal(SIGHUP);
  ASSERT_TRUE(d.WaitNotify("RELOADING=1", 5s));
  // The READY=1 that follows the reload is the second one.
  (void)testing::WaitFor([&] { return CountRows(db, "SELECT COUNT(*) FROM watchers WHERE enabled = 1") == 2; }, 5s, 20ms);
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM watchers WHERE enabled = 1"), 2);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0);
}

TEST(DaemonE2E, SighupDeclaresTheConfigsCommunitiesForTheRowsItCreates) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  std::string db = d.dir().File("vigil.db");
  ASSERT_EQ(CountRows(db, "SELECT COUNT(*) FROM subreddits WHERE name = 'oncology' AND display_name = 'oncology'"), 1);
  d.WriteConfig(std::string(kConfig) + "  - name: second\n    type: webhook\n    verify: {scheme: none}\n    community: neuro\n"
                "communities:\n  - {name: neuro, display_name: Neuroscience, participation_model: observer}\n"
                "  - {name: oncology, display_name: Oncology, participation_model: approver}\n");
  d.Signal(SIGHUP);
  ASSERT_TRUE(d.WaitNotify("RELOADING=1", 5s));
  const std::string neuro = "SELECT COUNT(*) FROM subreddits WHERE name = 'neuro' AND display_name = 'Neuroscience' AND participation_model = 'observer'";
  (void)testing::WaitFor([&] { return CountRows(db, neuro) == 1; }, 5s, 20ms);
  EXPECT_EQ(CountRows(db, neuro), 1) << d.Stderr();
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM subreddits WHERE name = 'oncology' AND display_name = 'oncology' AND participation_model = 'guided'"), 1)
      << "a row that exists is not changed";
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0);
}

TEST(DaemonE2E, SecretsAreNotWrittenToTheWatchersTable) {
  DaemonProcess d;
  d.WriteConfig(std::string(kConfig) + "    config:\n      secret: hunter2\n");
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  std::string db = d.dir().File("vigil.db");
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM watchers WHERE config LIKE '%hunter2%'"), 0);
  EXPECT_EQ(d.Stderr().find("hunter2"), std::string::npos);
}

TEST(DaemonE2E, RefusesToStartOnBadConfig) {
  DaemonProcess d;
  d.WriteConfig("http:\n  listen: nowhere\n");
  ASSERT_TRUE(d.Start({"run", "--config", d.config_path()}));
  EXPECT_EQ(d.Wait(10s), 2);
  EXPECT_NE(d.Stderr().find("vigil.yaml:2:11: http.listen"), std::string::npos) << d.Stderr();
}

TEST(DaemonE2E, JsonLogFormat) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.Start({"run", "--config", d.config_path(), "--log-format", "json"}));
  ASSERT_TRUE(d.WaitNotify("READY=1", 20s));
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0);
  EXPECT_NE(d.Stderr().find("{\"level\":\"info\",\"logger\":\"vigil\",\"msg\":\"vigil "), std::string::npos) << d.Stderr();
}

TEST(DaemonE2E, JournalFormatWhenUnderSystemd) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon({{"JOURNAL_STREAM", "8:1234"}})) << d.Stderr();
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0);
  EXPECT_NE(d.Stderr().find("<6>vigil "), std::string::npos) << d.Stderr();
}

TEST(CliE2E, CheckPrintsSummaryAndExitsZero) {
  DaemonProcess d;
  setenv("VIGIL_E2E_TOKEN", "tok-value", 1);
  d.WriteConfig(std::string(kConfig) + "api:\n  token: ${VIGIL_E2E_TOKEN}\n");
  auto [code, out] = RunVigil({"check", "--config", d.config_path()}, {{"VIGIL_E2E_TOKEN", "tok-value"}});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("watchers: 1 (1 webhook)"), std::string::npos) << out;
  EXPECT_NE(out.find("api.token"), std::string::npos);
  EXPECT_EQ(out.find("tok-value"), std::string::npos);
}

TEST(CliE2E, CheckFailsWithPosition) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:x.db\n  bogus_key: 1\n");
  auto [code, out] = RunVigil({"check", "--config", d.config_path()});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("vigil.yaml:3:3: database.bogus_key: unknown key (valid keys: url, busy_timeout, uuid_format)"), std::string::npos) << out;
}

TEST(CliE2E, ConfigDefaultsToEnvironmentVariable) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  auto [code, out] = RunVigil({"check"}, {{"VIGIL_CONFIG", d.config_path()}});
  EXPECT_EQ(code, 0) << out;
}

TEST(CliE2E, MigrateIsIdempotent) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  auto [code1, out1] = RunVigil({"migrate", "--config", d.config_path()});
  EXPECT_EQ(code1, 0) << out1;
  EXPECT_NE(out1.find("applied 0001_init"), std::string::npos) << out1;
  auto [code2, out2] = RunVigil({"migrate", "--config", d.config_path()});
  EXPECT_EQ(code2, 0) << out2;
  EXPECT_NE(out2.find("already up to date"), std::string::npos) << out2;
}

TEST(CliE2E, VersionAndHelp) {
  auto [code, out] = RunVigil({"version"});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out.rfind("vigil ", 0), 0u);
  for (const char* verb : {"run", "check", "migrate"}) {
    auto [hc, help] = RunVigil({verb, "--help"});
    EXPECT_EQ(hc, 0) << verb;
    EXPECT_NE(help.find("--config"), std::string::npos) << verb;
  }
}

}  // namespace
}  // namespace vigil

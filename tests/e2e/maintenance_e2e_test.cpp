// The maintenance jobs through the built binary: a SIGKILLed daemon restarted yields one crash
// report, not two; reports queued while the endpoint is down are each sent once when it is back;
// `vigil jobs run context_backup_coverage --once` on a fixture platform database.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>

#include "jobs/maintenance/fernet.h"
#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;

// The stand-in answers chat completions (the coverage job's generator) and accepts crash reports;
// a test starts it, or starts it late on a port chosen beforehand (the endpoint is "down" until then).
class MaintenanceE2E : public testsupport::StandInServer {
 protected:
  void SetUp() override {
    db_url_ = "sqlite:" + dir_.File("vigil.db");
    std::string completion = testing::ReadFixture("llm/openai_chat_completion.json");
    Serve("/v1/chat/completions", [completion](const HttpRequest&) { return HttpResponse::Json(200, completion); });
    Serve("/", [](const HttpRequest&) { return HttpResponse::Json(202, "{}"); });
  }
  std::string Yaml(int daemon_port, int endpoint_port) {
    return "database:\n  url: " + db_url_ + "\nhttp:\n  listen: 127.0.0.1:" + std::to_string(daemon_port) +
           "\njobs:\n  lease: 2s\n  poll_interval: 100ms\n  shutdown_timeout: 2s\n  crash_report_flush:\n    every: 1s\n"
           "    endpoint:\n      url: http://127.0.0.1:" + std::to_string(endpoint_port) + "/crash-reports\n      token: t\n";
  }
  // Crash reports received, by Idempotency-Key.
  std::map<std::string, int> Receipts() {
    std::map<std::string, int> out;
    for (const auto& a : Arrivals()) {
      if (a.path == "/v1/chat/completions") continue;
      const std::string* key = a.Header("Idempotency-Key");
      ++out[key ? *key : "(none)"];
    }
    return out;
  }
  bool WaitReceipts(size_t keys, std::chrono::milliseconds timeout) {
    return testing::WaitFor([&] { return Receipts().size() >= keys; }, timeout);
  }
  // Waits until `n` more crash_report_flush runs have finished (completed or failed) than
  // `FlushRuns()` gave before, so a test can say "several more flushes ran" and then assert.
  int64_t FlushRuns() {
    return Int("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'crash_report_flush' AND "
               "(state IN ('completed', 'retryable', 'discarded') OR attempt > 1)");
  }
  bool WaitFlushRuns(int64_t before, int64_t n) {
    return testing::WaitFor([&] { return FlushRuns() >= before + n; }, 30s, 50ms);
  }
  int64_t Int(const std::string& sql) {
    auto db = OpenSqlConnection(db_url_);
    auto r = db.ok() ? (*db)->Query(sql) : Result<SqlResult>(db.status());
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }

  testing::TempDir dir_;
  std::string db_url_;
};

TEST_F(MaintenanceE2E, KilledDaemonRestartedYieldsOneReportNotTwo) {
  StartStandIn();
  DaemonProcess first;
  first.WriteConfig(Yaml(first.port(), port()));
  ASSERT_TRUE(first.StartDaemon()) << first.Stderr();
  ASSERT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE status = 'running'"), 1);
  first.Signal(SIGKILL);
  ASSERT_EQ(first.Wait(5s), -SIGKILL);
  DaemonProcess second;
  second.WriteConfig(Yaml(second.port(), port()));
  ASSERT_TRUE(second.StartDaemon()) << second.Stderr();
  ASSERT_TRUE(WaitReceipts(1, 20s)) << second.Stderr();
  ASSERT_TRUE(WaitFlushRuns(FlushRuns(), 3)) << second.Stderr();  // several more flushes ran
  auto receipts = Receipts();
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts.begin()->second, 1);
  EXPECT_TRUE(receipts.begin()->first.starts_with("crash-")) << receipts.begin()->first;
  second.Signal(SIGTERM);
  EXPECT_EQ(second.Wait(20s), 0) << second.Stderr();
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 1"), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE status = 'reported'"), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE status = 'clean'"), 1);
}

TEST_F(MaintenanceE2E, ReportsQueuedWhileTheEndpointIsDownAreEachSentOnce) {
  int endpoint_port = testing::FreePort();
  DaemonProcess daemon;
  daemon.WriteConfig(Yaml(daemon.port(), endpoint_port));
  auto [mc, mout] = testing::RunVigil({"migrate", "--config", daemon.config_path()});
  ASSERT_EQ(mc, 0) << mout;
  {
    auto db = OpenSqlConnection(db_url_);
    ASSERT_TRUE(db.ok());
    for (int i = 0; i < 5; ++i) {  // five kinds: five of one kind within an hour would be a crash loop, one report
      ASSERT_TRUE((*db)->Query("INSERT INTO pending_error_reports (report_id, error_type, error_message, sent) VALUES ($1, $2, 'm', 0)",
                               {"r" + std::to_string(i), "E" + std::to_string(i)}).ok());
    }
  }
  ASSERT_TRUE(daemon.StartDaemon()) << daemon.Stderr();
  ASSERT_TRUE(WaitFlushRuns(0, 2)) << daemon.Stderr();  // flushes ran while the endpoint was down
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 0"), 5) << "nothing is marked while down";
  StartStandIn(endpoint_port);
  ASSERT_TRUE(WaitReceipts(5, 40s)) << daemon.Stderr();
  ASSERT_TRUE(WaitFlushRuns(FlushRuns(), 2)) << daemon.Stderr();  // and more after them
  auto receipts = Receipts();
  EXPECT_EQ(receipts, (std::map<std::string, int>{{"r0", 1}, {"r1", 1}, {"r2", 1}, {"r3", 1}, {"r4", 1}}));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 1 AND sent_at IS NOT NULL"), 5);
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.Wait(20s), 0) << daemon.Stderr();
}

TEST_F(MaintenanceE2E, JobsRunOnceFillsStalePairsAndPrintsJson) {
  StartStandIn();
  std::string platform_url = "sqlite:" + dir_.File("veritas.db");
  {
    auto db = OpenSqlConnection(platform_url);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(testing::CreateBackupTables(**db).ok());
    auto key = FernetKey::Parse("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");
    ASSERT_TRUE((*db)->Query("INSERT INTO messages (message_id, conversation_id, role, content, created_at) VALUES ('m', 'c', 'user', $1, 10)",
                             {FernetEncrypt(*key, "hello there", std::chrono::system_clock::now())}).ok());
    ASSERT_TRUE((*db)->Query("INSERT INTO model_runs (run_id, conversation_id, model_id) VALUES ('r', 'c', 'gpt-4o')").ok());
  }
  std::string config = dir_.Write("vigil.yaml", "database:\n  url: " + db_url_ +
      "\njobs:\n  context_backup_coverage:\n    database:\n      url: " + platform_url +
      "\n    fernet_key: ${TEST_FERNET_KEY}\n    generator:\n      base_url: http://127.0.0.1:" + std::to_string(port()) + "/v1\n");
  auto [rc, out] = testing::RunVigil({"jobs", "run", "context_backup_coverage", "--once", "--json", "--config", config},
                                     {{"TEST_FERNET_KEY", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="}});
  ASSERT_EQ(rc, 0) << out;
  auto j = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_EQ(j["result"], "done");
  EXPECT_EQ(j["summary"]["notes_written"], 1);
  EXPECT_EQ(j["summary"]["coverage_before"], 0.0);
  EXPECT_EQ(j["summary"]["coverage_after"], 1.0);
}

TEST_F(MaintenanceE2E, JobsRunOnceWaitsWhenThePlatformTablesAreMissing) {
  std::string config = dir_.Write("vigil.yaml", "database:\n  url: " + db_url_ +
      "\njobs:\n  context_backup_coverage:\n    database:\n      url: sqlite:" + dir_.File("empty.db") +
      "\n    fernet_key: cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n");
  auto [rc, out] = testing::RunVigil({"jobs", "run", "context_backup_coverage", "--once", "--config", config});
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("tables missing in"), std::string::npos) << out;
}

// No generator configured: the note is written from the messages on this machine, on SQLite and
// PostgreSQL, with no request to any server (the stand-in would see it).
class LocalHandoffE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {};

TEST_P(LocalHandoffE2E, JobsRunOnceWritesTheNoteWithoutANetworkRequest) {
  StartStandIn();
  testing::TestDb platform(GetParam());
  const char* key_text = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
  {
    auto db = platform.Connect();
    ASSERT_TRUE(testing::CreateBackupTables(*db).ok());
    auto key = FernetKey::Parse(key_text);
    ASSERT_TRUE(db->Query("INSERT INTO messages (message_id, conversation_id, role, content, created_at) VALUES ('m', 'c', 'user', $1, 10)",
                          {FernetEncrypt(*key, "Our goal is a clean merge. Please always run the tests.", std::chrono::system_clock::now())}).ok());
    ASSERT_TRUE(db->Query("INSERT INTO model_runs (run_id, conversation_id, model_id) VALUES ('r', 'c', 'gpt-4o')").ok());
  }
  testing::TempDir dir;
  // HTTPS_PROXY points at the stand-in: a request to anywhere would arrive there.
  std::string config = dir.Write("vigil.yaml", "database:\n  url: sqlite:" + dir.File("vigil.db") +
      "\njobs:\n  context_backup_coverage:\n    database:\n      url: " + platform.url() + "\n    fernet_key: " + key_text + "\n");
  auto [rc, out] = testing::RunVigil({"jobs", "run", "context_backup_coverage", "--once", "--json", "--config", config},
                                     {{"HTTPS_PROXY", Url()}, {"HTTP_PROXY", Url()}, {"ALL_PROXY", Url()}});
  ASSERT_EQ(rc, 0) << out;
  auto j = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_EQ(j["summary"]["generator"], "extractive");
  EXPECT_EQ(j["summary"]["notes_written"], 1);
  EXPECT_TRUE(Arrivals().empty()) << "no request left the daemon";
  auto db = platform.Connect();
  auto note = db->Query("SELECT backup_text FROM context_backups WHERE conversation_id = 'c' AND model_id = 'gpt-4o'");
  ASSERT_TRUE(note.ok() && note->rows.size() == 1);
  std::string text = note->rows[0].Text(0);
  EXPECT_NE(text.find("GOAL:\nOur goal is a clean merge."), std::string::npos) << text;
  EXPECT_NE(text.find("PREFERENCES:\n- Please always run the tests."), std::string::npos) << text;
  EXPECT_NE(text.find("DECISIONS MADE:\n(not stated)"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Dialects, LocalHandoffE2E, ::testing::ValuesIn(testing::kDialects));

// The platform's crash reports through `vigil jobs run crash_report_flush --once`: held until its
// user accepts the terms, then sent; five crashes within the hour sent as one report.
class PlatformCrashE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {};

TEST_P(PlatformCrashE2E, ReportsWaitForConsentAndACrashLoopIsOneReport) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Json(201, "{}")}; });
  testing::TestDb platform(GetParam());
  auto db = platform.Connect();
  ASSERT_TRUE(testing::CreateCrashTables(*db).ok());
  for (int i = 0; i < 5; ++i) {
    nlohmann::json context = {{"started_at", "2026-12-03T05:1" + std::to_string(i) + ":00Z"}, {"model", "gpt-4o"}};
    ASSERT_TRUE(db->Query("INSERT INTO pending_error_reports (report_id, error_type, error_message, traceback, context, sent)"
                          " VALUES ($1, 'crash', 'the app stopped', 'Traceback', $2, 0)",
                          {"r" + std::to_string(i), context.dump()}).ok());
  }
  testing::TempDir dir;
  std::string config = dir.Write("vigil.yaml", "database:\n  url: sqlite:" + dir.File("vigil.db") +
      "\njobs:\n  crash_report_flush:\n    database:\n      url: " + platform.url() +
      "\n    endpoint:\n      url: " + Url("/reports") + "\n");
  auto run = [&] {
    auto [rc, out] = testing::RunVigil({"jobs", "run", "crash_report_flush", "--once", "--json", "--config", config});
    EXPECT_EQ(rc, 0) << out;
    return nlohmann::json::parse(out.substr(out.find('{')));
  };
  auto held = run();
  nlohmann::json platform_figures;  // the summary's entry under the platform database's label
  for (auto& [label, f] : held["summary"].items())
    if (label != "vigil") platform_figures = f;
  EXPECT_EQ(platform_figures["waiting_for_consent"], 5) << held.dump();
  EXPECT_TRUE(Arrivals().empty()) << "nothing sent before consent";
  ASSERT_TRUE(db->Query("UPDATE local_settings SET terms_accepted_at = 1764740000 WHERE settings_id = 'local'").ok());
  auto sent = run();
  for (auto& [label, f] : sent["summary"].items())
    if (label != "vigil") platform_figures = f;
  EXPECT_EQ(platform_figures["sent"], 5) << sent.dump();
  EXPECT_EQ(platform_figures["crash_loops"], 1);
  auto received = Arrivals();
  ASSERT_EQ(received.size(), 1u) << "five crashes, one report";
  auto body = nlohmann::json::parse(received[0].body);
  EXPECT_EQ(body["context"]["crash_loop"]["count"], 5);
  EXPECT_EQ(body["context"]["crash_loop"]["first_at"], "2026-12-03T05:10:00+00:00");
  EXPECT_EQ(body["context"]["crash_loop"]["last_at"], "2026-12-03T05:14:00+00:00");
  auto left = db->Query("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 0");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->rows[0].Int(0), 0);
  run();
  EXPECT_EQ(Arrivals().size(), 1u) << "nothing sent twice";
}

INSTANTIATE_TEST_SUITE_P(Dialects, PlatformCrashE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

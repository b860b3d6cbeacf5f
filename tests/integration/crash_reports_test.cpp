// Crash sentinels and report sending on SQLite and PostgreSQL, with a real local receiver.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <set>

#include "common/http/curl_http_client.h"
#include "common/logging.h"
#include "config/config.h"
#include "jobs/maintenance/crash_report_sender.h"
#include "jobs/maintenance/crash_reports.h"
#include "jobs/maintenance/crash_sentinel.h"
#include "jobs/maintenance/maintenance_job.h"
#include "sources/watcher_checks.h"
#include "store/db_time.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

pid_t DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

std::string Host() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

class CrashReportsTest : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->ConnectMigrated();
    ASSERT_TRUE(db_);
    StartStandIn([this](const HttpRequest&, int) {
      if (fail_next_ > 0) {
        --fail_next_;
        return testsupport::ScriptedAnswer{HttpResponse::Text(503, "down\n")};
      }
      if (rate_limited_) {
        HttpResponse r = HttpResponse::Text(429, "slow down\n");
        r.headers.emplace_back("Retry-After", "120");
        return testsupport::ScriptedAnswer{r};
      }
      return testsupport::ScriptedAnswer{HttpResponse::Json(201, "{}")};
    });
  }
  void Exec(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = db_->Query(sql, params);
    ASSERT_TRUE(r.ok()) << r.error();
  }
  int64_t Int(const std::string& sql) {
    auto r = db_->Query(sql);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }
  void Sentinel(const std::string& id, double started, const std::string& status = "running") {
    Exec("INSERT INTO crash_sentinel (session_id, status, started_at, system_log_snippet, api_log_snippet)"
         " VALUES ($1, $2, $3, 'line one\nline two', 'GET http://x')",
         {id, status, started});
  }
  void Node(const std::string& id, const std::string& host, int64_t pid, TimePoint heartbeat) {
    Exec("INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at) VALUES ($1, $2, $3, 'v', $4, $4)",
         {id, host, pid, ToMicros(heartbeat)});
  }
  Result<int> Leftovers(LeftoverRule rule = LeftoverRule::kVigilNodes) {
    LeftoverOptions o{rule, "me", 90s, "vigil"};
    return ReportLeftoverSessions(*db_, TableMapping::Defaults(CrashTables()), o, std::chrono::system_clock::now());
  }
  Result<FlushResult> Flush(std::chrono::milliseconds max_retry_after = 300s, FlushPolicy policy = {}) {
    HttpClientOptions o;
    o.retry.base_delay = 10ms;
    o.retry.max_retry_after = max_retry_after;
    CurlHttpClient http(o);
    ReportEndpoint e{"http://127.0.0.1:" + std::to_string(port()) + "/crash-reports", "tok", "json", 5s};
    auto tables = TableMapping::Defaults(policy.needs_consent ? PlatformCrashTables() : CrashTables());
    return FlushErrorReports(*db_, *db_, tables, http, e, policy, nullptr, nullptr);
  }
  // The platform's reports: local_settings holds the consent (NULL until the terms are accepted).
  FlushPolicy Platform(size_t max_pending = 100) {
    Exec("CREATE TABLE IF NOT EXISTS local_settings (settings_id TEXT PRIMARY KEY, terms_accepted_at REAL)");
    Exec("INSERT INTO local_settings (settings_id) VALUES ('local') ON CONFLICT (settings_id) DO NOTHING");  // NULL: not accepted
    return {"platform", max_pending, 3, true};
  }
  void Report(const std::string& id, const std::string& type, const std::string& context = "{}") {
    Exec("INSERT INTO pending_error_reports (report_id, error_type, error_message, traceback, context, sent)"
         " VALUES ($1, $2, 'boom', 'tb', $3, 0)", {id, type, context});
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<SqlConnection> db_;
  std::atomic<int> fail_next_{0};  // set by the test thread, read by the stand-in's
  std::atomic<bool> rate_limited_{false};
};

TEST_P(CrashReportsTest, DeadVigilSessionBecomesExactlyOneReport) {
  auto now = std::chrono::system_clock::now();
  Sentinel("old", UnixSeconds(now) - 60);
  Node("old", Host(), DeadPid(), now);  // heartbeat fresh, but its process is gone
  auto first = Leftovers();
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(*Leftovers(), 0) << "never reported twice";
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE report_id = 'crash-old' AND sent = 0"
                " AND traceback = 'line one\nline two' AND error_type = 'crash'"), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE session_id = 'old' AND status = 'reported'"), 1);
}

TEST_P(CrashReportsTest, LiveSessionWithFreshHeartbeatIsNotALeftover) {
  auto now = std::chrono::system_clock::now();
  Sentinel("live", UnixSeconds(now) - 60);
  Node("live", Host(), getpid(), now);
  EXPECT_EQ(*Leftovers(), 0);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports"), 0);
}

TEST_P(CrashReportsTest, StaleHeartbeatOnAnotherHostIsALeftover) {
  auto now = std::chrono::system_clock::now();
  Sentinel("far", UnixSeconds(now) - 600);
  Node("far", "some-other-host", 1, now - 10min);
  Sentinel("me", UnixSeconds(now));  // this session is never its own leftover
  EXPECT_EQ(*Leftovers(), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE status = 'running'"), 1);
}

TEST_P(CrashReportsTest, PlatformSessionIsALeftoverOnceANewerSessionExists) {
  Exec("DROP TABLE crash_sentinel");
  Exec("DROP TABLE pending_error_reports");
  ASSERT_TRUE(testing::CreateCrashTables(*db_).ok());
  Sentinel("s1", 100);
  Sentinel("s0", 50, "clean");
  EXPECT_EQ(*Leftovers(LeftoverRule::kNewerSession), 0) << "the newest session may still be running";
  Sentinel("s2", 200);
  EXPECT_EQ(*Leftovers(LeftoverRule::kNewerSession), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE report_id = 'crash-s1'"), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE session_id = 's2' AND status = 'running'"), 1);
}

TEST_P(CrashReportsTest, SendsEachPendingReportOnceWithItsIdempotencyKey) {
  for (const char* id : {"r1", "r2", "r3"}) {
    Exec("INSERT INTO pending_error_reports (report_id, error_type, error_message, traceback, context, sent)"
         " VALUES ($1, 'ValueError', 'boom', 'Traceback...', '{\"model\":\"gpt-4o\"}', 0)", {std::string(id)});
  }
  Exec("INSERT INTO pending_error_reports (report_id, error_type, sent) VALUES ('done', 'x', 1)");
  fail_next_ = 2;  // the endpoint answers 503 twice, then recovers: the client retries
  auto r = Flush();
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->sent, 3u) << r->error;
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 1 AND sent_at IS NOT NULL"), 3);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 1"), 4);
  auto received = Arrivals();
  std::map<std::string, int> accepted;
  for (size_t i = 2; i < received.size(); ++i) ++accepted[*received[i].Header("Idempotency-Key")];
  EXPECT_EQ(accepted, (std::map<std::string, int>{{"r1", 1}, {"r2", 1}, {"r3", 1}}));
  auto body = nlohmann::json::parse(received.back().body);
  EXPECT_EQ(body["report_id"], "r3");
  EXPECT_EQ(body["error_type"], "ValueError");
  EXPECT_EQ(body["error_message"], "boom");
  EXPECT_EQ(body["traceback"], "Traceback...");
  EXPECT_EQ(body["context"]["model"], "gpt-4o");
  EXPECT_EQ(*received.back().Header("Authorization"), "Bearer tok");
}

TEST_P(CrashReportsTest, RateLimitStopsTheFlushAndSaysWhenToComeBack) {
  Exec("INSERT INTO pending_error_reports (report_id, error_type, sent) VALUES ('r1', 'x', 0)");
  rate_limited_ = true;
  auto r = Flush(1s);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->sent, 0u);
  ASSERT_TRUE(r->retry_after.has_value());
  EXPECT_EQ(r->retry_after->count(), 120);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 0"), 1);
}

TEST_P(CrashReportsTest, ThePlatformsReportsWaitForConsent) {
  auto platform = Platform();
  Report("p1", "ValueError");
  Report("p2", "KeyError");
  auto held = Flush(300s, platform);
  ASSERT_TRUE(held.ok()) << held.error();
  EXPECT_EQ(held->waiting_for_consent, 2u);
  EXPECT_EQ(held->sent, 0u);
  EXPECT_TRUE(Arrivals().empty()) << "nothing leaves before the terms are accepted";
  Exec("UPDATE local_settings SET terms_accepted_at = 1764700000");
  auto sent = Flush(300s, platform);
  ASSERT_TRUE(sent.ok()) << sent.error();
  EXPECT_EQ(sent->waiting_for_consent, 0u);
  EXPECT_EQ(sent->sent, 2u);
  EXPECT_EQ(Arrivals().size(), 2u);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 1"), 2);
}

TEST_P(CrashReportsTest, BeyondMaxPendingTheOldestAreGivenUpAndKept) {
  auto platform = Platform(2);
  Report("a-oldest", "E");
  ASSERT_TRUE(Flush(300s, platform).ok());  // seen first
  Report("b", "E");
  Report("c", "E");
  Report("d", "E");
  auto held = Flush(300s, platform);
  ASSERT_TRUE(held.ok()) << held.error();
  EXPECT_EQ(held->given_up, 2u) << "four wait, two may";
  EXPECT_EQ(held->pending, 2u);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM vigil_crash_report_ledger WHERE given_up_at IS NOT NULL AND report_id IN ('a-oldest', 'b')"), 2)
      << "the one seen first, then the first of the rest by id";
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 0"), 4) << "the platform's rows are never deleted";
  Exec("UPDATE local_settings SET terms_accepted_at = 1764700000");
  auto sent = Flush(300s, platform);
  ASSERT_TRUE(sent.ok()) << sent.error();
  EXPECT_EQ(sent->sent, 2u);
  EXPECT_EQ(sent->given_up, 0u) << "given up once";
  std::set<std::string> keys;
  for (const auto& a : Arrivals()) keys.insert(*a.Header("Idempotency-Key"));
  EXPECT_EQ(keys, (std::set<std::string>{"c", "d"}));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM vigil_crash_report_ledger"), 2) << "sent reports leave the ledger; given-up ones stay";
}

TEST_P(CrashReportsTest, ACrashLoopOfFiveBecomesOneReport) {
  for (int i = 0; i < 5; ++i)
    Report("loop" + std::to_string(i), "crash", "{\"started_at\": \"2026-12-03T05:0" + std::to_string(i) + ":00Z\"}");
  Report("later", "crash", "{\"started_at\": \"2026-12-03T07:00:00Z\"}");  // outside the hour
  Report("other", "ValueError", "{\"started_at\": \"2026-12-03T05:01:30Z\"}");
  auto r = Flush();
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->loops, 1u);
  EXPECT_EQ(r->sent, 7u) << "every report is marked sent";
  auto received = Arrivals();
  ASSERT_EQ(received.size(), 3u) << "the loop, the ValueError, the later crash";
  auto loop = nlohmann::json::parse(received[0].body);
  EXPECT_EQ(loop["report_id"], "loop-loop0");
  EXPECT_EQ(*received[0].Header("Idempotency-Key"), "loop-loop0");
  EXPECT_EQ(loop["context"]["crash_loop"]["count"], 5);
  EXPECT_EQ(loop["context"]["crash_loop"]["first_at"], "2026-12-03T05:00:00+00:00");
  EXPECT_EQ(loop["context"]["crash_loop"]["last_at"], "2026-12-03T05:04:00+00:00");
  EXPECT_NE(loop["error_message"].get<std::string>().find("5 crash reports between"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(received[1].body)["report_id"], "other");
  EXPECT_EQ(nlohmann::json::parse(received[2].body)["report_id"], "later");
  EXPECT_EQ(Int("SELECT COUNT(*) FROM pending_error_reports WHERE sent = 0"), 0);
}

TEST_P(CrashReportsTest, ThreeCrashesInAnHourAreNotALoop) {
  for (int i = 0; i < 3; ++i)
    Report("c" + std::to_string(i), "crash", "{\"started_at\": \"2026-12-03T05:0" + std::to_string(i) + ":00Z\"}");
  auto r = Flush();
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->loops, 0u);
  EXPECT_EQ(Arrivals().size(), 3u) << "loop_threshold 3: more than three make a loop";
}

TEST_P(CrashReportsTest, SentinelRunsThenStopsCleanWithTheLogInItsSnippet) {
  InitLogging(LogOptions{});  // the ring the snippets come from
  testing::TempDir dir;
  auto config = ParseConfig("database:\n  url: " + tdb_->url() + "\n", dir.File("vigil.yaml"));
  ASSERT_TRUE(config.ok()) << config.error();
  {
    auto sentinel = CrashSentinel::Start(**config, "session-a", 20ms);
    ASSERT_TRUE(sentinel.ok()) << sentinel.error();
    EXPECT_EQ(Int("SELECT COUNT(*) FROM crash_sentinel WHERE session_id = 'session-a' AND status = 'running'"), 1);
    spdlog::info("sentinel test marker line");
    EXPECT_TRUE((*sentinel)->WriteSnippets().ok());
  }
  auto r = db_->Query("SELECT status, system_log_snippet, ended_at FROM crash_sentinel WHERE session_id = 'session-a'");
  ASSERT_TRUE(r.ok() && r->rows.size() == 1);
  EXPECT_EQ(r->rows[0].Text(0), "clean");
  EXPECT_NE(r->rows[0].Text(1).find("sentinel test marker line"), std::string::npos);
  EXPECT_FALSE(r->rows[0].IsNull(2));
}

INSTANTIATE_TEST_SUITE_P(Dialects, CrashReportsTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

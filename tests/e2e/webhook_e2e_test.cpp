// Webhook watchers through the built binary: signed real GitHub payloads are stored with their
// triage job before the 202; refusals store nothing; a locked database answers 503, never a 2xx
// without its row. One daemon serves the whole suite (each test uses its own delivery ids).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::DaemonProcess;
using testing::Wire;
using testsupport::RawHttpClient;
using testsupport::RawHttpResponse;

const char* kSecret = "e2e-github-secret";
const char* kSlackSecret = "e2e-slack-secret";

const char* kConfig = R"(database:
  url: sqlite:vigil.db
  busy_timeout: 200ms
http:
  listen: 127.0.0.1:${PORT}
jobs:
  poll_interval: 100ms
watchers:
  - name: gh
    type: webhook
    community: oncology
    max_body_bytes: 64KiB
    verify: {scheme: github, secret: e2e-github-secret}
  - name: slack
    type: webhook
    verify: {scheme: slack, secret: e2e-slack-secret}
  - name: open
    type: webhook
    verify: {scheme: none}
)";

const char* kGithubFixtures[] = {"issues.labeled", "issues.opened", "ping", "pull_request.closed",
                                 "pull_request.opened", "push", "release.published", "workflow_run.completed"};

std::string Fixture(const std::string& name) { return testing::ReadFixture("webhooks/github/" + name + ".json"); }

class WebhookE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    daemon_ = new DaemonProcess();
    daemon_->WriteConfig(kConfig);
    ASSERT_TRUE(daemon_->StartDaemon()) << daemon_->Stderr();
  }
  static void TearDownTestSuite() {
    daemon_->Signal(SIGTERM);
    EXPECT_EQ(daemon_->Wait(10s), 0) << daemon_->Stderr();
    delete daemon_;
    daemon_ = nullptr;
  }

  static std::optional<RawHttpResponse> Send(const HttpRequest& r) {
    RawHttpClient client(daemon_->port());
    if (!client.connected()) return std::nullopt;
    client.Send(Wire(r));
    return client.ReadResponse(5s);
  }
  static HttpRequest Github(const std::string& event, const std::string& delivery, const std::string& body) {
    return testing::GithubRequest(kSecret, event, delivery, body);
  }

  static std::unique_ptr<SqlConnection> Db() {
    auto conn = OpenSqlConnection("sqlite:" + daemon_->dir().File("vigil.db"), 2000);
    EXPECT_TRUE(conn.ok()) << conn.error();
    return conn.ok() ? std::move(*conn) : nullptr;
  }
  static int64_t Count(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = Db()->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? r->rows[0].Int(0) : -1;
  }
  static int64_t EventsWithSourceId(const std::string& id) {
    return Count("SELECT COUNT(*) FROM watcher_events WHERE source_id = $1", {id});
  }

  static DaemonProcess* daemon_;
};

DaemonProcess* WebhookE2E::daemon_ = nullptr;

TEST_F(WebhookE2E, EachGithubFixtureIsStoredWithItsFieldsAndQueuedForTriage) {
  for (const char* name : kGithubFixtures) {
    std::string kind = std::string(name).substr(0, std::string(name).find('.'));
    std::string delivery = std::string("fixture-") + name;
    json payload = json::parse(Fixture(name));
    auto res = Send(Github(kind, delivery, Fixture(name)));
    ASSERT_TRUE(res) << name;
    ASSERT_EQ(res->status, 202) << name << ": " << res->body;
    json answer = json::parse(res->body);
    EXPECT_EQ(answer["duplicate"], false);
    std::string id = answer["event_id"];
    auto row = Db()->Query(
        "SELECT e.source_id, e.source_type, e.title, e.source_url, e.source_metadata, e.raw_data, w.name, s.name"
        " FROM watcher_events e JOIN watchers w ON w.id = e.watcher_id LEFT JOIN subreddits s ON s.id = e.subreddit_id"
        " WHERE e.id = $1",
        {id});
    ASSERT_TRUE(row.ok()) << row.error();
    ASSERT_EQ(row->rows.size(), 1u) << name;
    const SqlRow& r = row->rows[0];
    EXPECT_EQ(r.Text(0), delivery);
    EXPECT_EQ(r.Text(1), "webhook");
    EXPECT_TRUE(r.Text(2).starts_with(payload["repository"]["full_name"].get<std::string>() + ": " + kind)) << r.Text(2);
    EXPECT_FALSE(r.Text(3).empty()) << name;
    json metadata = json::parse(r.Text(4));
    EXPECT_EQ(metadata["event"], kind);
    EXPECT_EQ(metadata["repository"], payload["repository"]["full_name"]);
    EXPECT_EQ(json::parse(r.Text(5)), payload) << name;
    EXPECT_EQ(r.Text(6), "gh");
    EXPECT_EQ(r.Text(7), "oncology");
    // Queued for triage, or triaged already by the daemon's triage job (one statement: one snapshot).
    EXPECT_EQ(Count("SELECT (SELECT COUNT(*) FROM vigil_triage_pending WHERE event_id = $1) +"
                    " (SELECT COUNT(*) FROM watcher_events WHERE CAST(id AS TEXT) = $1 AND triage_signal IS NOT NULL)",
                    {id}),
              1)
        << name;
  }
}

TEST_F(WebhookE2E, AcceptedEventIsTriaged) {
  auto res = Send(Github("ping", "triage-1", Fixture("ping")));
  ASSERT_TRUE(res && res->status == 202);
  std::string id = json::parse(res->body)["event_id"];
  std::string signal;
  (void)testing::WaitFor([&] {
    auto r = Db()->Query("SELECT triage_signal, triage_reasoning FROM watcher_events WHERE id = $1", {id});
    if (r.ok() && !r->rows.empty()) signal = r->rows[0].Text(0);
    return !signal.empty();
  }, 5s, 50ms);
  EXPECT_EQ(signal, "low");
}

TEST_F(WebhookE2E, RedeliveryAnswers2xxAndStoresOneRow) {
  auto first = Send(Github("push", "redelivered-1", Fixture("push")));
  auto second = Send(Github("push", "redelivered-1", Fixture("push")));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 202);
  EXPECT_EQ(second->status, 202);
  EXPECT_EQ(json::parse(second->body)["duplicate"], true);
  EXPECT_EQ(json::parse(second->body)["event_id"], json::parse(first->body)["event_id"]);
  EXPECT_EQ(EventsWithSourceId("redelivered-1"), 1);
}

TEST_F(WebhookE2E, BadSignatureIs401AndStoresNothing) {
  HttpRequest r = testing::GithubRequest("not-the-secret", "push", "forged-1", Fixture("push"));
  auto res = Send(r);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(json::parse(res->body)["reason"], "signature mismatch");
  EXPECT_EQ(EventsWithSourceId("forged-1"), 0);
  RawHttpClient client(daemon_->port());
  client.Send(testsupport::MakeRequest("GET", "/metrics"));
  auto metrics = client.ReadResponse(5s);
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("vigil_webhook_requests_total{watcher=\"gh\",outcome=\"unauthorized\"}"), std::string::npos);
}

TEST_F(WebhookE2E, MalformedJsonIs400WithReason) {
  auto res = Send(Github("push", "malformed-1", "{\"ref\": [1, 2"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_FALSE(json::parse(res->body)["reason"].get<std::string>().empty());
  EXPECT_EQ(EventsWithSourceId("malformed-1"), 0);
}

// 100,000 levels once overflowed the stack (nlohmann's recursive dump) and killed the daemon.
TEST_F(WebhookE2E, DeeplyNestedBodyIs400AndTheDaemonLives) {
  std::string body = R"({"title": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto res = Send(testing::GithubRequest(kSecret, "push", "deep-1", body, "/hooks/open"));
  ASSERT_TRUE(res) << daemon_->Stderr();
  EXPECT_EQ(res->status, 400);
  json answer = json::parse(res->body, nullptr, false);
  EXPECT_EQ(answer["error"], "malformed body");
  EXPECT_EQ(answer["reason"], "body: JSON nests deeper than 512 levels (the limit)");
  EXPECT_EQ(EventsWithSourceId("deep-1"), 0);
  auto alive = Send(testing::GithubRequest(kSecret, "push", "after-deep-1", Fixture("push"), "/hooks/open"));
  ASSERT_TRUE(alive) << "the daemon died: " << daemon_->Stderr();
  EXPECT_EQ(alive->status, 202);
}

TEST_F(WebhookE2E, WrongContentTypeIs400WithReason) {
  HttpRequest r = Github("push", "xml-1", Fixture("push"));
  r.headers[0].second = "application/xml";
  auto res = Send(r);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(json::parse(res->body)["reason"].get<std::string>().find("application/xml"), std::string::npos);
}

TEST_F(WebhookE2E, BodyOverTheHookLimitIs413) {
  std::string body = "{\"pad\": \"" + std::string(70 * 1024, 'x') + "\"}";
  auto res = Send(Github("push", "big-1", body));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(EventsWithSourceId("big-1"), 0);
}

TEST_F(WebhookE2E, UnknownHookIs404AndWrongMethodIs405) {
  HttpRequest r = Github("push", "nowhere-1", Fixture("push"));
  r.path = "/hooks/nobody";
  auto missing = Send(r);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  r.path = "/hooks/gh";
  r.method = "PUT";
  auto wrong = Send(r);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->HeaderValue("Allow"), "POST");
}

TEST_F(WebhookE2E, SlackFreshIsStoredReplayedIs401) {
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string body = R"({"type":"event_callback","event_id":"Ev-e2e-1","team_id":"T1","event":{"type":"message","text":"hi"}})";
  HttpRequest fresh = testing::SlackRequest(kSlackSecret, now, "application/json", body);
  auto ok = Send(fresh);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202) << ok->body;
  EXPECT_EQ(EventsWithSourceId("Ev-e2e-1"), 1);
  std::string replay_body = R"({"type":"event_callback","event_id":"Ev-e2e-2","event":{"type":"message"}})";
  auto replayed = Send(testing::SlackRequest(kSlackSecret, now - 600, "application/json", replay_body));
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->status, 401);
  EXPECT_EQ(EventsWithSourceId("Ev-e2e-2"), 0);
}

// While a test connection holds SQLite's exclusive lock past the daemon's 200 ms busy timeout,
// clients keep posting: each answer is 202 or 503 with Retry-After, and once the lock is gone
// every 202 has its row and no 503 left one behind.
TEST_F(WebhookE2E, LockedDatabaseAnswers503AndNever2xxWithoutTheRow) {
  auto locker = Db();
  ASSERT_TRUE(locker->Query("BEGIN EXCLUSIVE").ok());
  std::mutex mu;
  std::vector<std::string> accepted, refused;
  std::vector<int> other_statuses;
  std::vector<std::thread> clients;
  std::string body = Fixture("ping");
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      RawHttpClient client(daemon_->port());
      for (int i = 0; i < 12; ++i) {
        std::string delivery = "locked-" + std::to_string(t) + "-" + std::to_string(i);
        if (!client.Send(Wire(Github("ping", delivery, body)))) break;
        auto res = client.ReadResponse(5s);
        std::lock_guard<std::mutex> lock(mu);
        if (res && res->status == 202) accepted.push_back(delivery);
        else if (res && res->status == 503 && res->HeaderValue("Retry-After") == "5") refused.push_back(delivery);
        else other_statuses.push_back(res ? res->status : -1);
      }
    });
  }
  std::this_thread::sleep_for(700ms);  // the lock held for 700 ms: a stimulus of fixed length
  ASSERT_TRUE(locker->Query("COMMIT").ok());
  for (auto& c : clients) c.join();
  EXPECT_TRUE(other_statuses.empty()) << "first unexpected status " << other_statuses.front();
  EXPECT_FALSE(refused.empty()) << "the lock never made the writer give up";
  EXPECT_FALSE(accepted.empty()) << "nothing was stored after the lock was released";
  for (const auto& d : accepted) EXPECT_EQ(EventsWithSourceId(d), 1) << d;
  for (const auto& d : refused) EXPECT_EQ(EventsWithSourceId(d), 0) << d;
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

// A reload swaps the hook table: a watcher added by SIGHUP answers, one removed is gone.
TEST(WebhookReloadE2E, SighupAddsAndRemovesHooks) {
  const char* before = "database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n"
                       "watchers:\n  - name: old\n    type: webhook\n    verify: {scheme: none}\n";
  const char* after = "database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n"
                      "watchers:\n  - name: new\n    type: webhook\n    verify: {scheme: none}\n    path: /hooks/new/one\n";
  testing::DaemonProcess d;
  d.WriteConfig(before);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto post = [&](const std::string& path) {
    testsupport::RawHttpClient client(d.port());
    client.Send(testsupport::MakeRequest("POST", path, R"({"title":"x"})", "Content-Type: application/json\r\n"));
    auto res = client.ReadResponse(std::chrono::seconds(5));
    return res ? res->status : -1;
  };
  EXPECT_EQ(post("/hooks/old"), 202);
  EXPECT_EQ(post("/hooks/new/one"), 404);
  d.WriteConfig(after);
  d.Signal(SIGHUP);
  (void)testing::WaitFor([&] { return post("/hooks/new/one") == 202; }, std::chrono::seconds(5), std::chrono::milliseconds(20));
  EXPECT_EQ(post("/hooks/new/one"), 202);
  EXPECT_EQ(post("/hooks/old"), 404);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(std::chrono::seconds(10)), 0);
}

}  // namespace
}  // namespace vigil

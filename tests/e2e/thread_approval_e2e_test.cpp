// POST /api/v1/notifications/<id>/create-thread through the built binary over loopback, on SQLite
// and PostgreSQL, with a stand-in for the platform's threads endpoint: a person's approval opens
// the thread and answers the notification with it; a dismissed notification, or one that has its
// thread, is refused with 409 and the platform is not asked; a platform failure is 502. The
// community is `approver` in the YAML: the daemon creates its row so, a webhook's notification gets
// no auto-created thread, and a person approves it here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/uuid.h"
#include "store/event_repo.h"
#include "store/notification_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpClient;

constexpr const char* kThreadId = "0190a5c4-6f1e-7cc2-9b1a-3d2f4e5a6b7c";
// The thread id as the database stores it (SQLite: 32 hex digits, database.uuid_format's default).
std::string Stored(const char* dialect) { return *UuidIn(kThreadId, std::string(dialect) == "sqlite" ? UuidForm::kHex : UuidForm::kHyphenated); }

class ThreadApprovalE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/api/threads", [](const HttpRequest& req) {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.value("title", "") == "Refused by the platform") return HttpResponse::Json(422, R"({"error": "no"})");
      return HttpResponse::Json(201, nlohmann::json{{"id", kThreadId}}.dump());
    });
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig("database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: tok\n"
                   "notify:\n  platform: {base_url: '" + Url() + "', token: t0ken}\n"
                   "communities:\n  - name: oncology\n    display_name: Oncology\n    description: Tumour biology and trials.\n"
                   "    purpose: {thinking_type: evaluative, decision_context: which trials to follow}\n"
                   "    participation_model: approver\n    rules: {notify_at: low}\n"
                   "watchers:\n  - name: onc\n    type: webhook\n    verify: {scheme: none}\n    community: oncology\n    auto_create_thread: true\n"
                   "    auto_thread_approval_rate: 0\n    mapping: {title: /title, source_id: /id}\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
    auto db = OpenSqlConnection(url_);
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(*db);
  }

  // A pending notification of watcher onc titled `title`; its id.
  std::string Notification(const std::string& title) {
    auto watcher_id = WatcherIdByName(*db_, "onc");
    EXPECT_TRUE(watcher_id.ok() && *watcher_id);
    std::string community = testing::TestCommunity(*db_, "oncology");
    auto now = std::chrono::system_clock::now();
    EventInsert e{**watcher_id, community, {.title = title, .source_type = "webhook", .source_id = title}, {}, false};
    auto events = InsertEvents(*db_, {e}, now);
    EXPECT_TRUE(events.ok()) << events.error();
    auto id = InsertNotificationInTx(*db_, {**watcher_id, (*events)[0].id, community, title, "", "high", ""}, now);
    EXPECT_TRUE(id.ok()) << id.error();
    return id.ok() ? *id : "";
  }

  nlohmann::json Call(const std::string& method, const std::string& target, int want, const std::string& auth = "tok",
                      const std::string& body = "") {
    RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest(method, target, body, "Authorization: Bearer " + auth + "\r\nContent-Type: application/json\r\n"));
    auto r = c.ReadResponse(30s);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  nlohmann::json Approve(const std::string& id, int want) { return Call("POST", "/api/v1/notifications/" + id + "/create-thread", want); }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
  std::unique_ptr<SqlConnection> db_;
};

TEST_P(ThreadApprovalE2E, ApprovalOpensTheThreadAndAnswersTheNotificationWithIt) {
  std::string id = Notification("KRAS inhibitor trial");
  auto n = Approve(id, 200);
  EXPECT_EQ(n["id"], id);
  EXPECT_EQ(n["thread_id"], Stored(GetParam()));
  EXPECT_EQ(n["status"], "acted");
  EXPECT_EQ(n["action_taken"], "approved:api");
  EXPECT_EQ(Call("GET", "/api/v1/notifications/" + id, 200)["thread_id"], Stored(GetParam())) << "recorded";
  auto asked = Arrivals("/api/threads");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].HeaderValue("Authorization"), "Bearer t0ken");
  EXPECT_EQ(asked[0].HeaderValue("Idempotency-Key"), id);
  auto request = nlohmann::json::parse(asked[0].body);
  EXPECT_EQ(request["notification_id"], id);
  EXPECT_EQ(request["subreddit"], "oncology");
}

TEST_P(ThreadApprovalE2E, ADismissedNotificationIsRefusedAndThePlatformNotAsked) {
  std::string id = Notification("A review of reviews");
  Call("PATCH", "/api/v1/notifications/" + id, 200, "tok", R"({"status":"dismissed"})");
  EXPECT_EQ(Approve(id, 409)["error"], "notification " + id + " was dismissed: no thread is opened for it");
  EXPECT_TRUE(Arrivals("/api/threads").empty());
  auto n = Call("GET", "/api/v1/notifications/" + id, 200);
  EXPECT_EQ(n["status"], "dismissed");
  EXPECT_TRUE(n["thread_id"].is_null());
}

TEST_P(ThreadApprovalE2E, AThreadedNotificationIsRefusedAndThePlatformAskedOnce) {
  std::string id = Notification("KRAS inhibitor trial");
  Approve(id, 200);
  EXPECT_EQ(Approve(id, 409)["error"], "notification " + id + " already has thread " + Stored(GetParam()));
  EXPECT_EQ(Arrivals("/api/threads").size(), 1u);
}

TEST_P(ThreadApprovalE2E, UnknownIdIs404AndTheTokenIsRequired) {
  EXPECT_EQ(Approve("00000000-0000-0000-0000-000000000000", 404)["error"], "no notification 00000000-0000-0000-0000-000000000000");
  std::string id = Notification("KRAS inhibitor trial");
  EXPECT_EQ(Call("POST", "/api/v1/notifications/" + id + "/create-thread", 401, "wrong")["error"], "invalid bearer token");
  EXPECT_EQ(Call("GET", "/api/v1/notifications/" + id + "/create-thread", 405)["error"], "method not allowed");
  EXPECT_TRUE(Arrivals("/api/threads").empty());
}

TEST_P(ThreadApprovalE2E, APlatformRefusalIs502AndRecordsNothing) {
  std::string id = Notification("Refused by the platform");
  auto error = Approve(id, 502)["error"].get<std::string>();
  EXPECT_NE(error.find("thread request for " + id + ": HTTP 422"), std::string::npos) << error;
  auto n = Call("GET", "/api/v1/notifications/" + id, 200);
  EXPECT_EQ(n["status"], "pending");
  EXPECT_TRUE(n["thread_id"].is_null());
}

TEST_P(ThreadApprovalE2E, AnApproverCommunitysNotificationWaitsForAPersonWhoApprovesIt) {
  auto row = db_->Query("SELECT display_name, description, purpose, participation_model FROM subreddits WHERE name = 'oncology'");
  ASSERT_TRUE(row.ok() && row->rows.size() == 1) << (row.ok() ? "no row" : row.error());
  EXPECT_EQ(row->rows[0].Text(0), "Oncology");
  EXPECT_EQ(row->rows[0].Text(1), "Tumour biology and trials.");
  EXPECT_EQ(nlohmann::json::parse(row->rows[0].Text(2)), nlohmann::json::parse(R"({"thinking_type": "evaluative", "decision_context": "which trials to follow"})"));
  EXPECT_EQ(row->rows[0].Text(3), "approver");

  RawHttpClient hook(d_.port());
  hook.Send(testsupport::MakeRequest("POST", "/hooks/onc", R"({"id": "t-1", "title": "KRAS inhibitor trial opens"})",
                                     "Content-Type: application/json\r\n"));
  auto accepted = hook.ReadResponse(30s);
  ASSERT_TRUE(accepted && accepted->status == 202) << (accepted ? accepted->body : "no answer");
  nlohmann::json n;
  ASSERT_TRUE(testing::WaitFor([&] {
    auto list = Call("GET", "/api/v1/notifications", 200);
    if (!list.is_object() || !list["items"].is_array() || list["items"].empty()) return false;
    n = list["items"][0];
    return true;
  }, 20s, 100ms)) << d_.Stderr();
  EXPECT_EQ(n["status"], "pending");
  EXPECT_EQ(n["action_taken"], "held:approver");
  EXPECT_TRUE(Arrivals("/api/threads").empty()) << "no auto-created thread";
  auto approved = Approve(n["id"].get<std::string>(), 200);
  EXPECT_EQ(approved["thread_id"], Stored(GetParam()));
  EXPECT_EQ(Arrivals("/api/threads").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ThreadApprovalE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

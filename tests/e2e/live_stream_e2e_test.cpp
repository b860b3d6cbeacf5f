// The live stream (GET /api/v1/stream) through the built binary on SQLite and PostgreSQL, over a
// real loopback socket: what arrives (a signed webhook's event, a notification's status change
// after PATCH, a job's state change), resuming after the last id seen, and, on PostgreSQL, a
// webhook taken by one daemon arriving on the stream of another sharing the database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/event_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/sse_test_client.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::DaemonProcess;
using testsupport::RawHttpClient;
using testsupport::SseTestClient;
using testsupport::WaitForEvent;

const char* kSecret = "e2e-github-secret";
const char* kBearer = "Authorization: Bearer tok\r\n";

std::string Config(const std::string& url) {
  return "database:\n  url: " + url + "\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: tok\njobs:\n  poll_interval: 100ms\n"
         "watchers:\n  - name: gh\n    type: webhook\n    verify: {scheme: github, secret: " + kSecret + "}\n";
}

// Posts a signed GitHub push; the stored event's id (from the 202), or "" on failure.
std::string PostWebhook(int port, const std::string& delivery) {
  std::string body = testing::ReadFixture("webhooks/github/push.json");
  RawHttpClient c(port);
  c.Send(testing::Wire(testing::GithubRequest(kSecret, "push", delivery, body)));
  auto r = c.ReadResponse(10s);
  EXPECT_TRUE(r && r->status == 202) << (r ? r->body : "no answer");
  if (!r || r->status != 202) return "";
  return json::parse(r->body).value("event_id", "");
}

json Call(int port, const std::string& method, const std::string& target, int want, const std::string& body = "") {
  RawHttpClient c(port);
  c.Send(testsupport::MakeRequest(method, target, body, std::string(kBearer) + "Content-Type: application/json\r\n"));
  auto r = c.ReadResponse(10s);
  EXPECT_TRUE(r);
  if (!r) return nullptr;
  EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
  return json::parse(r->body, nullptr, false);
}

// A stream opened with the bearer token, its head read and checked, and its retry block read.
std::unique_ptr<SseTestClient> OpenStream(int port, const std::string& target = "/api/v1/stream", const std::string& extra = "") {
  auto s = std::make_unique<SseTestClient>(port, target, std::string(kBearer) + extra);
  EXPECT_EQ(s->ReadHead(5s), 200);
  EXPECT_EQ(s->HeaderValue("Content-Type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(s->HeaderValue("Cache-Control"), "no-store");
  auto first = s->Next(5s);
  EXPECT_TRUE(first && first->retry == "2000") << "the first block sets the reconnection delay";
  return s;
}

auto IdIs(const std::string& id) {
  return [id](const json& d) { return d.value("id", "") == id; };
}

class LiveStreamE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig(Config(url_));
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  void TearDown() override {
    d_.Signal(SIGTERM);
    EXPECT_EQ(d_.Wait(10s), 0) << d_.Stderr();
  }
  std::unique_ptr<SqlConnection> Db() {
    auto db = OpenSqlConnection(url_);
    EXPECT_TRUE(db.ok()) << db.error();
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
};

TEST_P(LiveStreamE2E, ASignedWebhookArrivesAsAnEvent) {
  auto stream = OpenStream(d_.port());
  std::string id = PostWebhook(d_.port(), "live-1");
  ASSERT_FALSE(id.empty());
  auto block = WaitForEvent(*stream, "event", IdIs(id), 5s);
  ASSERT_TRUE(block) << d_.Stderr();
  json event = json::parse(block->data);
  EXPECT_EQ(event["watcher"], "gh");
  EXPECT_EQ(event["source_type"], "webhook");
  // The same item as GET /api/v1/events lists (the triage may have moved on since: compare the rest).
  json listed = Call(d_.port(), "GET", "/api/v1/events?watcher=gh", 200)["items"][0];
  for (const char* key : {"id", "watcher", "title", "source_url", "source_id", "detected_at"}) EXPECT_EQ(event[key], listed[key]) << key;
  EXPECT_FALSE(block->id.empty());
}

TEST_P(LiveStreamE2E, ANotificationStatusChangeArrivesAfterPatch) {
  auto db = Db();
  ASSERT_TRUE(db);
  auto watcher = WatcherIdByName(*db, "gh");
  ASSERT_TRUE(watcher.ok() && *watcher);
  auto now = std::chrono::system_clock::now();
  auto events = InsertEvents(*db, {{**watcher, "", {.title = "t", .source_type = "webhook", .source_id = "n1"}, {}, false}}, now);
  ASSERT_TRUE(events.ok()) << events.error();
  auto id = InsertNotificationInTx(*db, {**watcher, (*events)[0].id, "", "Worth a look", "", "high", ""}, now);
  ASSERT_TRUE(id.ok()) << id.error();
  auto stream = OpenStream(d_.port());
  Call(d_.port(), "PATCH", "/api/v1/notifications/" + *id, 200, R"({"status":"dismissed"})");
  auto block = WaitForEvent(*stream, "notification", [&](const json& n) { return n.value("status", "") == "dismissed"; }, 5s);
  ASSERT_TRUE(block) << d_.Stderr();
  json n = json::parse(block->data);
  EXPECT_EQ(n["title"], "Worth a look");
  EXPECT_EQ(n, Call(d_.port(), "GET", "/api/v1/notifications/" + *id, 200)) << "as GET shows it";
}

TEST_P(LiveStreamE2E, AJobStateChangeArrives) {
  auto db = Db();
  ASSERT_TRUE(db);
  // Due in an hour, so that only the cancel below moves it.
  auto later = std::chrono::system_clock::now() + 1h;
  auto enq = EnqueueJobs(*db, {{.kind = "prune", .run_at = later, .max_attempts = 3}}, std::chrono::system_clock::now());
  ASSERT_TRUE(enq.ok()) << enq.error();
  int64_t job = (*enq)[0].id;
  auto stream = OpenStream(d_.port());
  Call(d_.port(), "POST", "/api/v1/jobs/" + std::to_string(job) + "/cancel", 200);
  auto block = WaitForEvent(*stream, "job", [&](const json& j) { return j.value("id", int64_t{0}) == job; }, 5s);
  ASSERT_TRUE(block) << d_.Stderr();
  EXPECT_EQ(json::parse(block->data), (json{{"id", job}, {"kind", "prune"}, {"queue", "default"}, {"state", "cancelled"},
                                             {"attempt", 0}, {"max_attempts", 3}, {"last_error", nullptr}}));
}

// Every block a stream sends within `quiet`.
std::vector<testsupport::SseBlock> Drain(SseTestClient& stream, std::chrono::milliseconds quiet) {
  std::vector<testsupport::SseBlock> out;
  while (auto block = stream.NextEvent(quiet)) out.push_back(*block);
  return out;
}

bool HasEvent(const std::vector<testsupport::SseBlock>& blocks, const std::string& id) {
  for (const auto& b : blocks) {
    if (b.event == "event" && json::parse(b.data).value("id", "") == id) return true;
  }
  return false;
}

TEST_P(LiveStreamE2E, ResumingAfterAnIdSendsOnlyWhatCameLater) {
  auto stream = OpenStream(d_.port());
  std::string first = PostWebhook(d_.port(), "resume-1");
  auto seen = WaitForEvent(*stream, "event", IdIs(first), 5s);
  ASSERT_TRUE(seen) << d_.Stderr();
  std::string second = PostWebhook(d_.port(), "resume-2");
  ASSERT_TRUE(WaitForEvent(*stream, "event", IdIs(second), 5s));
  // Until both events' triage is done, nothing more of them changes. A burst is triaged by one
  // job or by two, depending on whether the first job let go of its key before the second event.
  ASSERT_TRUE(testing::WaitFor([&] {
    for (const std::string& id : {first, second}) {
      if (Call(d_.port(), "GET", "/api/v1/events/" + id, 200)["triage_signal"].is_null()) return false;
    }
    auto jobs = Call(d_.port(), "GET", "/api/v1/jobs?kind=triage", 200)["items"];
    if (jobs.empty()) return false;
    for (const auto& j : jobs) {
      if (j["state"] != "completed" && j["state"] != "discarded") return false;
    }
    return true;
  }, 20s)) << d_.Stderr();
  auto fresh = OpenStream(d_.port());
  EXPECT_FALSE(HasEvent(Drain(*fresh, 1500ms), second)) << "a stream without a cursor starts from now";
  for (const std::string& how : {std::string("header"), std::string("query")}) {
    auto resumed = how == "header" ? OpenStream(d_.port(), "/api/v1/stream", "Last-Event-ID: " + seen->id + "\r\n")
                                   : OpenStream(d_.port(), "/api/v1/stream?since_id=" + seen->id);
    auto blocks = Drain(*resumed, 1500ms);
    EXPECT_TRUE(HasEvent(blocks, second)) << how << ": what came after the id is sent";
    for (const auto& b : blocks) EXPECT_GT(std::stoll(b.id), std::stoll(seen->id)) << how << ": only what came after it";
  }
}

TEST_P(LiveStreamE2E, RefusesABadResumeId) {
  RawHttpClient c(d_.port());
  c.Send(testsupport::MakeRequest("GET", "/api/v1/stream", "", std::string(kBearer) + "Last-Event-ID: -4\r\n"));
  auto r = c.ReadResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"], "Last-Event-ID must be an id this stream sent (a whole number)");
}

INSTANTIATE_TEST_SUITE_P(Dialects, LiveStreamE2E, ::testing::ValuesIn(testing::kDialects));

// Two daemons on one PostgreSQL: a webhook taken by A arrives on B's stream.
TEST(LiveStreamSharedE2E, AWebhookIntoOneDaemonArrivesOnAnothersStream) {
  testing::TestDb pg("postgres");
  DaemonProcess a, b;
  a.WriteConfig(Config(pg.url()));
  b.WriteConfig(Config(pg.url()));
  ASSERT_TRUE(a.StartDaemon()) << a.Stderr();
  ASSERT_TRUE(b.StartDaemon()) << b.Stderr();
  auto stream = OpenStream(b.port());
  std::string id = PostWebhook(a.port(), "shared-1");
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(WaitForEvent(*stream, "event", IdIs(id), 5s)) << b.Stderr();
  for (DaemonProcess* d : {&a, &b}) {
    d->Signal(SIGTERM);
    EXPECT_EQ(d->Wait(10s), 0) << d->Stderr();
  }
}

}  // namespace
}  // namespace vigil

// The admin API through the built binary: auth, watchers, events, jobs, pagination, errors.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "store/event_repo.h"
#include "store/sql.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpClient;

class AdminApiE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: s3cret-token\n"
                   "watchers:\n  - name: lit\n    type: literature\n    source: feed\n    url: http://127.0.0.1:1/none\n"
                   "    every: 1d\n  - name: hook\n    type: webhook\n    verify: {scheme: none}\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  std::optional<testsupport::RawHttpResponse> Call(const std::string& method, const std::string& target,
                                                    const std::string& token = "s3cret-token", const std::string& body = "") {
    RawHttpClient c(d_.port());
    std::string headers = token.empty() ? "" : "Authorization: Bearer " + token + "\r\n";
    c.Send(testsupport::MakeRequest(method, target, body, headers));
    return c.ReadResponse(10s);
  }
  nlohmann::json Json(const std::string& method, const std::string& target, int want) {
    auto r = Call(method, target);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << target << ": " << r->body;
    EXPECT_EQ(r->HeaderValue("Content-Type"), "application/json");
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  DaemonProcess d_;
};

TEST_F(AdminApiE2E, RequiresTheBearerToken) {
  auto none = Call("GET", "/api/v1/watchers", "");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(nlohmann::json::parse(none->body)["error"], "missing bearer token");
  auto wrong = Call("GET", "/api/v1/watchers", "s3cret-tokeX");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(nlohmann::json::parse(wrong->body)["error"], "invalid bearer token");
  EXPECT_EQ(d_.Stderr().find("s3cret-token"), std::string::npos) << "the token is never logged";
}

TEST_F(AdminApiE2E, ListsAndGetsWatchers) {
  auto list = Json("GET", "/api/v1/watchers", 200);
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["name"], "lit");
  EXPECT_TRUE(list["items"][0].contains("next_poll"));
  auto one = Json("GET", "/api/v1/watchers/hook", 200);
  EXPECT_EQ(one["type"], "webhook");
  auto missing = Json("GET", "/api/v1/watchers/nope", 404);
  EXPECT_EQ(missing["error"], "no watcher named \"nope\"");
  auto unknown = Json("GET", "/api/v1/nothing", 404);
  EXPECT_TRUE(unknown.contains("error"));
}

TEST_F(AdminApiE2E, RunNowEnqueuesAPollOnlyForLiteratureWatchers) {
  auto run = Json("POST", "/api/v1/watchers/lit/run", 202);
  EXPECT_GT(run["job_id"].get<int64_t>(), 0);
  auto hook = Json("POST", "/api/v1/watchers/hook/run", 409);
  EXPECT_NE(hook["error"].get<std::string>().find("is a webhook watcher; only literature, scheduled and log watchers poll"), std::string::npos);
}

TEST_F(AdminApiE2E, JobsPaginateAndRefuseImpossibleChanges) {
  auto [code, out] = testing::RunVigil({"jobs", "enqueue", "noop", "--count", "5", "--config", d_.config_path()});
  ASSERT_EQ(code, 0) << out;
  ASSERT_TRUE(testing::WaitFor([&] {  // the daemon polls and runs them
    auto done = Json("GET", "/api/v1/jobs?kind=noop&state=completed&limit=100", 200);
    return done["items"].size() == 5u;
  }, 20s, 50ms));
  auto first = Json("GET", "/api/v1/jobs?kind=noop&limit=2", 200);
  ASSERT_EQ(first["items"].size(), 2u);
  ASSERT_TRUE(first.contains("next_cursor"));
  std::set<int64_t> seen;
  nlohmann::json page = first;
  while (true) {
    for (const auto& j : page["items"]) seen.insert(j["id"].get<int64_t>());
    if (!page.contains("next_cursor")) break;
    page = Json("GET", "/api/v1/jobs?kind=noop&limit=2&cursor=" + page["next_cursor"].get<std::string>(), 200);
  }
  EXPECT_EQ(seen.size(), 5u);
  int64_t id = first["items"][0]["id"];
  auto job = Json("GET", "/api/v1/jobs/" + std::to_string(id), 200);
  EXPECT_EQ(job["state"], "completed");
  auto cancel = Json("POST", "/api/v1/jobs/" + std::to_string(id) + "/cancel", 409);
  EXPECT_NE(cancel["error"].get<std::string>().find("already completed"), std::string::npos);
  Json("GET", "/api/v1/jobs/999999", 404);
  Json("GET", "/api/v1/jobs?limit=0", 400);
}

TEST_F(AdminApiE2E, EventsFilterAndPaginate) {
  auto db = OpenSqlConnection("sqlite:" + d_.dir().File("vigil.db"));
  ASSERT_TRUE(db.ok());
  auto id = WatcherIdByName(**db, "hook");
  ASSERT_TRUE(id.ok() && *id);
  std::vector<EventInsert> events;
  for (int i = 0; i < 3; ++i) {
    EventInsert in;
    in.watcher_id = **id;
    in.event = {.title = "t" + std::to_string(i), .source_type = "webhook", .source_id = "d" + std::to_string(i)};
    events.push_back(in);
  }
  ASSERT_TRUE(InsertEvents(**db, events, std::chrono::system_clock::now()).ok());
  auto page1 = Json("GET", "/api/v1/events?watcher=hook&limit=2", 200);
  ASSERT_EQ(page1["items"].size(), 2u);
  EXPECT_EQ(page1["items"][0]["title"], "t2") << "newest first";
  auto page2 = Json("GET", "/api/v1/events?watcher=hook&limit=2&cursor=" + page1["next_cursor"].get<std::string>(), 200);
  ASSERT_EQ(page2["items"].size(), 1u);
  EXPECT_FALSE(page2.contains("next_cursor"));
  EXPECT_EQ(Json("GET", "/api/v1/events?watcher=lit", 200)["items"].size(), 0u);
  EXPECT_EQ(Json("GET", "/api/v1/events?signal=loud", 400)["error"], "signal must be low, medium or high");
  Json("GET", "/api/v1/events?cursor=x'%20OR%201=1", 400);
}

TEST_F(AdminApiE2E, JobsRefuseACursorThatIsNoJobId) {
  for (const char* cursor : {"99999999999999999999999", "12abc", "-3", "0", "%2B7"})
    EXPECT_EQ(Json("GET", std::string("/api/v1/jobs?cursor=") + cursor, 400)["error"], "malformed cursor") << cursor;
  Json("GET", "/api/v1/jobs?cursor=9223372036854775807", 200);
}

// A value nested past the limit, planted as another program (or a version before the limit) could
// have written it: the listing shows a marker instead of recursing into it and crashing.
TEST_F(AdminApiE2E, StoredJsonTooDeepToReadIsShownAsAMarker) {
  auto db = OpenSqlConnection("sqlite:" + d_.dir().File("vigil.db"));
  ASSERT_TRUE(db.ok());
  auto id = WatcherIdByName(**db, "hook");
  ASSERT_TRUE(id.ok() && *id);
  EventInsert in{.watcher_id = **id, .event = {.title = "deep", .source_type = "webhook", .source_id = "deep-1"}};
  auto stored = InsertEvents(**db, {in}, std::chrono::system_clock::now());
  ASSERT_TRUE(stored.ok()) << stored.error();
  std::string deep = R"({"title": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  ASSERT_TRUE((*db)->Query("UPDATE watcher_events SET raw_data = $1, source_metadata = $1 WHERE id = $2", {deep, (*stored)[0].id}).ok());
  nlohmann::json marker = {{"unreadable", "JSON nests deeper than 512 levels (the limit)"}, {"bytes", deep.size()}};
  for (int round = 0; round < 2; ++round) {  // the second answer proves the daemon outlived the first
    auto page = Json("GET", "/api/v1/events?watcher=hook&include=raw_data", 200);
    ASSERT_EQ(page["items"].size(), 1u) << d_.Stderr();
    EXPECT_EQ(page["items"][0]["raw_data"], marker);
    EXPECT_EQ(page["items"][0]["source_metadata"], marker);
  }
}

TEST(AdminApiDisabled, WithoutATokenEveryRequestIs401) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n");
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  RawHttpClient c(d.port());
  c.Send(testsupport::MakeRequest("GET", "/api/v1/jobs", "", "Authorization: Bearer \r\n"));
  auto r = c.ReadResponse(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("set api.token"), std::string::npos);
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST_F(AdminApiE2E, StatusShowsWatchersQueuesAndNotifications) {
  auto [code, out] = testing::RunVigil({"status", "--config", d_.config_path()});
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("WATCHERS"), std::string::npos) << out;
  EXPECT_NE(out.find("lit"), std::string::npos);
  EXPECT_NE(out.find("QUEUES"), std::string::npos);
  EXPECT_NE(out.find("LAST NOTIFICATIONS"), std::string::npos);
  auto [jc, jout] = testing::RunVigil({"status", "--json", "--config", d_.config_path()});
  ASSERT_EQ(jc, 0) << jout;
  auto st = nlohmann::json::parse(jout);
  EXPECT_EQ(st["database"], "sqlite");
  EXPECT_EQ(st["watchers"].size(), 2u);
  EXPECT_TRUE(st.contains("queues"));
}

TEST(StatusCli, SaysClearlyWhenNoDaemonAnswers) {
  DaemonProcess d;
  d.WriteConfig("http:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: t\n");
  auto [code, out] = testing::RunVigil({"status", "--config", d.config_path()});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("no vigil answering at http://127.0.0.1:"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil

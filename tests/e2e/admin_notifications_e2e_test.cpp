// The notification routes of the admin API through the built binary, on SQLite and PostgreSQL:
// filters, pagination, and the lifecycle by PATCH (read, acted with action_taken, dismissed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "store/event_repo.h"
#include "store/notification_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpClient;

class AdminNotificationsE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
    d_.WriteConfig("database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: tok\n"
                   "watchers:\n  - name: onc\n    type: webhook\n    verify: {scheme: none}\n    community: oncology\n  - name: other\n    type: webhook\n    verify: {scheme: none}\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
    auto db = OpenSqlConnection(url_);
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(*db);
    std::string community = testing::TestCommunity(*db_, "oncology");
    ASSERT_FALSE(community.empty());
    // Three notifications, oldest first: onc/high, onc/low, other/medium.
    Add("onc", community, "high", "KRAS inhibitor trial", 0);
    Add("onc", community, "low", "A review of reviews", 1);
    Add("other", "", "medium", "Unrelated hook", 2);
  }
  void Add(const std::string& watcher, const std::string& community, const std::string& signal, const std::string& title, int n) {
    auto watcher_id = WatcherIdByName(*db_, watcher);
    ASSERT_TRUE(watcher_id.ok() && *watcher_id);
    auto now = std::chrono::system_clock::now() + std::chrono::seconds(n);
    EventInsert e{**watcher_id, community, {.title = title, .source_type = "webhook", .source_id = "d" + std::to_string(n)}, {}, false};
    auto events = InsertEvents(*db_, {e}, now);
    ASSERT_TRUE(events.ok()) << events.error();
    auto id = InsertNotificationInTx(*db_, {**watcher_id, (*events)[0].id, community, title, "", signal, ""}, now);
    ASSERT_TRUE(id.ok()) << id.error();
    ids_.push_back(*id);
  }
  nlohmann::json Call(const std::string& method, const std::string& target, int want, const std::string& body = "") {
    RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest(method, target, body, "Authorization: Bearer tok\r\nContent-Type: application/json\r\n"));
    auto r = c.ReadResponse(10s);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  std::vector<std::string> Titles(const nlohmann::json& page) {
    std::vector<std::string> out;
    for (const auto& n : page["items"]) out.push_back(n["title"]);
    return out;
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
  std::unique_ptr<SqlConnection> db_;
  std::vector<std::string> ids_;
};

TEST_P(AdminNotificationsE2E, ListsNewestFirstAndFilters) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Titles(Call("GET", "/api/v1/notifications", 200)), (V{"Unrelated hook", "A review of reviews", "KRAS inhibitor trial"}));
  EXPECT_EQ(Titles(Call("GET", "/api/v1/notifications?community=oncology", 200)), (V{"A review of reviews", "KRAS inhibitor trial"}));
  EXPECT_EQ(Titles(Call("GET", "/api/v1/notifications?watcher=other", 200)), (V{"Unrelated hook"}));
  EXPECT_EQ(Titles(Call("GET", "/api/v1/notifications?signal=high", 200)), (V{"KRAS inhibitor trial"}));
  EXPECT_EQ(Titles(Call("GET", "/api/v1/notifications?status=read", 200)), V{});
  auto one = Call("GET", "/api/v1/notifications/" + ids_[0], 200);
  EXPECT_EQ(one["watcher"], "onc");
  EXPECT_EQ(one["community"], "oncology");
  EXPECT_EQ(one["status"], "pending");
  EXPECT_EQ(Call("GET", "/api/v1/notifications?signal=loud", 400)["error"], "signal must be low, medium or high");
  EXPECT_EQ(Call("GET", "/api/v1/notifications?status=done", 400)["error"], "status must be pending, read, acted or dismissed");
  EXPECT_NE(Call("GET", "/api/v1/notifications?since=yesterday", 400)["error"].get<std::string>().find("since"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/notifications?cursor=x'%20OR%201=1", 400)["error"], "malformed cursor");
}

TEST_P(AdminNotificationsE2E, PagesThroughEveryNotificationOnce) {
  auto page = Call("GET", "/api/v1/notifications?limit=2", 200);
  ASSERT_EQ(page["items"].size(), 2u);
  ASSERT_TRUE(page.contains("next_cursor"));
  std::set<std::string> seen;
  for (int pages = 1;; ++pages) {
    for (const auto& n : page["items"]) EXPECT_TRUE(seen.insert(n["id"].get<std::string>()).second) << "seen twice";
    if (!page.contains("next_cursor")) break;
    ASSERT_LT(pages, 5);
    page = Call("GET", "/api/v1/notifications?limit=2&cursor=" + page["next_cursor"].get<std::string>(), 200);
  }
  EXPECT_EQ(seen, (std::set<std::string>(ids_.begin(), ids_.end())));
}

TEST_P(AdminNotificationsE2E, PatchMovesThroughTheLifecycle) {
  std::string path = "/api/v1/notifications/" + ids_[0];
  EXPECT_EQ(Call("PATCH", path, 200, R"({"status":"read"})")["status"], "read");
  EXPECT_EQ(Call("GET", "/api/v1/notifications?status=read", 200)["items"].size(), 1u);
  auto acted = Call("PATCH", path, 200, R"({"status":"acted","action_taken":"opened a thread by hand"})");
  EXPECT_EQ(acted["status"], "acted");
  EXPECT_EQ(acted["action_taken"], "opened a thread by hand");
  EXPECT_FALSE(acted["acted_at"].is_null());
  EXPECT_EQ(Call("PATCH", "/api/v1/notifications/" + ids_[1], 200, R"({"status":"dismissed"})")["status"], "dismissed");
  EXPECT_EQ(Call("GET", "/api/v1/notifications?status=pending", 200)["items"].size(), 1u);
}

TEST_P(AdminNotificationsE2E, PatchRefusesWhatItCannotDo) {
  std::string path = "/api/v1/notifications/" + ids_[0];
  EXPECT_EQ(Call("PATCH", path, 400, "{status")["error"], "the body is not JSON");
  EXPECT_EQ(Call("PATCH", path, 400, R"({"status":"done"})")["error"],
            "unknown status \"done\" (expected read, acted, dismissed or pending)");
  EXPECT_EQ(Call("PATCH", path, 400, R"({"action_taken":"x"})")["error"], "status is required (read, acted, dismissed or pending)");
  EXPECT_EQ(Call("PATCH", path, 400, R"({"status":"read","action_taken":"x"})")["error"], "action_taken goes with status acted");
  EXPECT_EQ(Call("PATCH", path, 400, R"({"status":"read","colour":"red"})")["error"], "unknown field \"colour\" (expected status, action_taken)");
  EXPECT_EQ(Call("PATCH", "/api/v1/notifications/00000000-0000-0000-0000-000000000000", 404, R"({"status":"read"})")["error"],
            "no notification 00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(Call("GET", path, 200)["status"], "pending") << "nothing changed";
  EXPECT_EQ(Call("POST", path, 405)["error"], "method not allowed");
}

TEST_P(AdminNotificationsE2E, PatchBoundsActionTakenAndRefusesControlCharacters) {
  std::string path = "/api/v1/notifications/" + ids_[0];
  auto acted = [](const std::string& action) { return nlohmann::json{{"status", "acted"}, {"action_taken", action}}.dump(); };
  EXPECT_EQ(Call("PATCH", path, 400, acted(std::string(4097, 'x')))["error"], "action_taken is 4097 bytes; the limit is 4096");
  EXPECT_EQ(Call("PATCH", path, 400, R"({"status":"acted","action_taken":"a\u0000b"})")["error"],
            "action_taken holds the control character U+0000 (only tab and newline may appear)");
  EXPECT_EQ(Call("PATCH", path, 400, acted("bell\a"))["error"],
            "action_taken holds the control character U+0007 (only tab and newline may appear)");
  EXPECT_EQ(Call("GET", path, 200)["status"], "pending") << "nothing changed";
  std::string longest = std::string(4094, 'x') + "\u00e9";  // 4096 bytes: é is two
  EXPECT_EQ(Call("PATCH", path, 200, acted(longest))["action_taken"], longest);
  EXPECT_EQ(Call("PATCH", path, 200, acted("line one\n\tline two"))["action_taken"], "line one\n\tline two");
}

TEST_P(AdminNotificationsE2E, PatchRefusesABodyNestedPastTheLimit) {
  std::string body = R"({"status": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(Call("PATCH", "/api/v1/notifications/" + ids_[0], 400, body)["error"],
            "the body: JSON nests deeper than 512 levels (the limit)");
  EXPECT_EQ(Call("GET", "/api/v1/notifications/" + ids_[0], 200)["status"], "pending") << "the daemon lives";
}

INSTANTIATE_TEST_SUITE_P(Dialects, AdminNotificationsE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

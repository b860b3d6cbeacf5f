// Watcher health through the built binary, on SQLite and PostgreSQL: a feed watcher that fails
// alert_after polls in a row raises exactly one alert to the ops webhook channel (a loopback
// stand-in), and one more when it recovers; a webhook watcher with a small expect_every is
// reported silent (and alerted once) by GET /api/v1/overview; GET /api/v1/stats counts events per hour and refuses
// bad parameters with 400.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <atomic>
#include <thread>

#include "common/iso8601.h"
#include "store/event_repo.h"
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

constexpr const char* kFeed =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Lab</title>"
    "<item><title>A new result</title><link>http://127.0.0.1/a</link><guid>a</guid></item></channel></rss>";

class WatcherHealthE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    Serve("/feed", [this](const HttpRequest&) {
      if (feed_down_) return HttpResponse::Text(404, "gone for now");
      HttpResponse r = HttpResponse::Text(200, kFeed);
      r.headers = {{"Content-Type", "application/rss+xml"}};
      return r;
    });
    Serve("/ops", [](const HttpRequest&) { return HttpResponse::Text(200, "ok"); });
    url_ = std::string(GetParam()) == "sqlite" ? "sqlite:" + d_.dir().File("vigil.db") : pg_->url();
  }
  void Start(bool with_feed) {
    std::string yaml = "database:\n  url: " + url_ + "\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: tok\n"
                       "jobs:\n  poll_interval: 200ms\n  watcher_health:\n    every: 1s\n"
                       "notify:\n  channels:\n    - {name: ops, type: webhook, url: '" + Url("/ops") + "'}\n"
                       "  ops_channels: [ops]\n"
                       "watchers:\n"
                       "  - {name: hook, type: webhook, verify: {scheme: none}, community: lab, expect_every: 3s}\n";
    if (with_feed) yaml += "  - {name: feed, type: literature, source: feed, url: '" + Url("/feed") + "', every: 10s, alert_after: 2}\n";
    d_.WriteConfig(yaml);
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }
  nlohmann::json Call(const std::string& target, int want) {
    RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest("GET", target, "", "Authorization: Bearer tok\r\n"));
    auto r = c.ReadResponse(10s);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << target << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  // The health alerts the ops channel received about `watcher`, in order: "failing", "ok", ...
  std::vector<std::string> OpsAlerts(const std::string& watcher) {
    std::vector<std::string> out;
    for (const auto& a : Arrivals("/ops")) {
      if (a.HeaderValue("X-Vigil-Event") != "watcher_health") continue;
      auto body = nlohmann::json::parse(a.body, nullptr, false);
      if (body.is_discarded() || body.value("type", "") != "watcher_health") continue;
      if (body["alert"].value("watcher", "") == watcher) out.push_back(body["alert"].value("health", ""));
    }
    return out;
  }
  nlohmann::json OverviewWatcher(const std::string& name) {
    auto overview = Call("/api/v1/overview", 200);
    for (const auto& w : overview["watchers"]) {
      if (w["name"] == name) return w;
    }
    return nullptr;
  }

  std::unique_ptr<testing::TestDb> pg_ = std::string(GetParam()) == "postgres" ? std::make_unique<testing::TestDb>("postgres") : nullptr;
  DaemonProcess d_;
  std::string url_;
  std::atomic<bool> feed_down_{true};
};

TEST_P(WatcherHealthE2E, AFailingWatcherAlertsTheOpsChannelOnceAndOnceMoreOnRecovery) {
  Start(true);
  ASSERT_TRUE(testing::WaitFor([&] { return !OpsAlerts("feed").empty(); }, 40s, 200ms)) << d_.Stderr();
  EXPECT_GE(ArrivedCount("/feed"), 2) << "alert_after 2: not before the second failed poll";
  auto failing = OverviewWatcher("feed");
  EXPECT_EQ(failing["health"], "failing") << failing;
  EXPECT_GE(failing["failure_streak"].get<int>(), 2) << failing;
  EXPECT_NE(failing["last_error"].get<std::string>().find("404"), std::string::npos) << failing;
  // More failed polls and health passes: still one alert.
  int polls = ArrivedCount("/feed");
  ASSERT_TRUE(testing::WaitFor([&] { return ArrivedCount("/feed") > polls; }, 25s, 200ms));
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(OpsAlerts("feed"), (std::vector<std::string>{"failing"}));

  feed_down_ = false;
  ASSERT_TRUE(testing::WaitFor([&] { return OpsAlerts("feed").size() == 2; }, 40s, 200ms)) << d_.Stderr();
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(OpsAlerts("feed"), (std::vector<std::string>{"failing", "ok"}));
  EXPECT_EQ(OverviewWatcher("feed")["health"], "ok");
}

TEST_P(WatcherHealthE2E, AWebhookWithoutEventsPastExpectEveryIsSilent) {
  Start(false);
  ASSERT_TRUE(testing::WaitFor([&] { return OverviewWatcher("hook")["health"] == "silent"; }, 15s, 200ms)) << d_.Stderr();
  auto hook = OverviewWatcher("hook");
  EXPECT_EQ(hook["expect_every"], "3s");
  EXPECT_EQ(hook["source"], "yaml");
  EXPECT_EQ(hook["community"], "lab");
  EXPECT_TRUE(hook["last_event_at"].is_null());
  auto overview = Call("/api/v1/overview", 200);
  EXPECT_TRUE(overview["generated_at"].get<std::string>().ends_with("Z"));
  EXPECT_TRUE(overview["queues"].is_array());
  EXPECT_TRUE(overview["failing_jobs"].is_array());
  EXPECT_TRUE(overview["pauses"].is_array());
  EXPECT_EQ(overview["counts"]["events_24h"], 0);
  ASSERT_TRUE(testing::WaitFor([&] { return OpsAlerts("hook") == std::vector<std::string>{"silent"}; }, 15s, 200ms));

  // A delivery ends the silence.
  RawHttpClient c(d_.port());
  c.Send(testsupport::MakeRequest("POST", "/hooks/hook", R"({"title": "ping"})", "Content-Type: application/json\r\n"));
  auto r = c.ReadResponse(10s);
  ASSERT_TRUE(r);
  ASSERT_LT(r->status, 300) << r->body;
  auto watchers = Call("/api/v1/watchers", 200);
  ASSERT_EQ(watchers["items"].size(), 1u);
  const auto& w = watchers["items"][0];
  EXPECT_EQ(w["health"], "ok") << w;
  EXPECT_EQ(w["alert_after"], 3);
  EXPECT_FALSE(w["last_event_at"].is_null());
  ASSERT_EQ(w["events_per_day"].size(), 14u);
  EXPECT_EQ(w["events_per_day"][13], 1);
  // Recovered, then (3 s without an event again) silent once more: one alert per change.
  ASSERT_TRUE(testing::WaitFor([&] { return OpsAlerts("hook").size() >= 2; }, 15s, 200ms));
  auto alerts = OpsAlerts("hook");
  EXPECT_EQ(std::vector<std::string>(alerts.begin(), alerts.begin() + 2), (std::vector<std::string>{"silent", "ok"}));
}

TEST_P(WatcherHealthE2E, StatsCountEventsPerHourAndRefuseBadParameters) {
  Start(false);
  auto db = OpenSqlConnection(url_);
  ASSERT_TRUE(db.ok()) << db.error();
  auto id = WatcherIdByName(**db, "hook");
  ASSERT_TRUE(id.ok() && *id);
  auto now = std::chrono::system_clock::now();
  auto add = [&](const std::string& source_id, TimePoint at) {
    EventInsert e{**id, "", {.title = "t", .source_type = "webhook", .source_id = source_id}, {}, false};
    ASSERT_TRUE(InsertEvents(**db, {e}, at).ok());
  };
  add("now-1", now);
  add("now-2", now);
  add("3h", now - 3h);
  add("2d", now - 48h);
  add("9d", now - 9 * 24h);

  auto day = Call("/api/v1/stats?of=events&range=24h&by=watcher", 200);
  EXPECT_EQ(day["bucket_seconds"], 3600);
  EXPECT_EQ(day["buckets"], 24);
  auto start = ParseIso8601(day["start"].get<std::string>());
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, std::chrono::floor<std::chrono::hours>(now) - 23h);
  ASSERT_EQ(day["series"].size(), 1u) << day;
  EXPECT_EQ(day["series"][0]["key"], "hook");
  const auto& counts = day["series"][0]["counts"];
  ASSERT_EQ(counts.size(), 24u);
  EXPECT_EQ(counts[23], 2);
  EXPECT_EQ(counts[20], 1);
  EXPECT_EQ(day["total"], 3);

  auto week = Call("/api/v1/stats?of=events&range=7d&by=community", 200);
  EXPECT_EQ(week["buckets"], 168);
  ASSERT_EQ(week["series"].size(), 1u) << week;
  EXPECT_EQ(week["series"][0]["key"], "lab");
  EXPECT_EQ(week["series"][0]["counts"][167 - 48], 1);
  EXPECT_EQ(week["total"], 4);

  auto signals = Call("/api/v1/stats?of=notifications&range=24h&by=signal", 200);
  EXPECT_EQ(signals["total"], 0);
  EXPECT_TRUE(signals["series"].empty());

  EXPECT_NE(Call("/api/v1/stats?of=bogus", 400)["error"].get<std::string>().find("events, notifications"), std::string::npos);
  EXPECT_NE(Call("/api/v1/stats?range=1y", 400)["error"].get<std::string>().find("24h, 7d"), std::string::npos);
  EXPECT_NE(Call("/api/v1/stats?by=%00%ff", 400)["error"].get<std::string>().find("watcher, community, signal"), std::string::npos);
  RawHttpClient c(d_.port());
  c.Send(testsupport::MakeRequest("GET", "/api/v1/stats", ""));
  auto unauthorized = c.ReadResponse(10s);
  ASSERT_TRUE(unauthorized);
  EXPECT_EQ(unauthorized->status, 401);
}

INSTANTIATE_TEST_SUITE_P(Dialects, WatcherHealthE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

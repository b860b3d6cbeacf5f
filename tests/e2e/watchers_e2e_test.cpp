// `vigil watchers test|list|run` through the built binary, against a local feed host (`run` asks
// a daemon started for it).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/stand_in_server.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using testing::DaemonProcess;
using testing::RunVigil;

class WatchersCli : public testsupport::StandInServer {
 protected:
  void SetUp() override {
    StartStandIn([](const HttpRequest& req, int) {
      if (req.path != "/feed.rss") return testsupport::ScriptedAnswer{HttpResponse::Text(404, "no")};
      HttpResponse r;
      r.headers.emplace_back("Content-Type", "application/rss+xml");
      r.body = testing::ReadFixture("feeds/huginn/podcast.rss");
      return testsupport::ScriptedAnswer{r};
    });
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: t0ken\n"
                   "jobs:\n  poll_interval: 100ms\nwatchers:\n  - name: pod\n    type: literature\n    source: feed\n"
                   "    url: " + Url("/feed.rss") + "\n    community: podcasts\n  - name: gone\n    type: literature\n"
                   "    source: feed\n    url: " + Url("/missing") + "\n  - name: hook\n    type: webhook\n    verify: {scheme: none}\n"
                   "communities: [{name: podcasts, rules: {keywords: {episode: 0.5}}}]\n");
  }
  DaemonProcess d_;
};

TEST_F(WatchersCli, TestPrintsTheEventsAsJsonWithoutStoring) {
  auto [code, out] = RunVigil({"watchers", "test", "pod", "--json", "--config", d_.config_path()});
  ASSERT_EQ(code, 0) << out;
  auto tested = nlohmann::json::parse(out);
  EXPECT_EQ(tested["watcher"], "pod");
  EXPECT_EQ(tested["type"], "literature");
  const auto& events = tested["events"];
  ASSERT_TRUE(events.is_array());
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) {
    for (const char* key : {"title", "summary", "source_id", "source_url", "source_metadata"}) EXPECT_TRUE(e.contains(key)) << key;
    EXPECT_EQ(e["triage"]["community"], "podcasts");
    for (const char* key : {"signal", "score", "reasoning", "notify"}) EXPECT_TRUE(e["triage"].contains(key)) << key;
  }
  EXPECT_FALSE(std::filesystem::exists(d_.dir().File("vigil.db"))) << "test stores nothing";
}

TEST_F(WatchersCli, TestShowsTheSignalAndReasoningOfEachEvent) {
  auto [code, out] = RunVigil({"watchers", "test", "pod", "--config", d_.config_path()});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("events would be created (nothing stored)"), std::string::npos) << out;
  EXPECT_NE(out.find("      signal "), std::string::npos) << out;
  EXPECT_NE(out.find("(community podcasts)"), std::string::npos) << out;
  EXPECT_NE(out.find("      why: "), std::string::npos) << out;
}

TEST_F(WatchersCli, RunAsksTheRunningDaemonToPollNow) {
  auto [none_code, none] = RunVigil({"watchers", "run", "pod", "--config", d_.config_path()});
  EXPECT_EQ(none_code, 1);
  EXPECT_NE(none.find("vigil: no vigil answering at http://127.0.0.1:"), std::string::npos) << none;
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  auto [code, out] = RunVigil({"watchers", "run", "pod", "--json", "--config", d_.config_path()});
  ASSERT_EQ(code, 0) << out;
  auto answer = nlohmann::json::parse(out);
  EXPECT_GT(answer["job_id"].get<int64_t>(), 0);
  auto [text_code, text] = RunVigil({"watchers", "run", "pod", "--config", d_.config_path()});
  ASSERT_EQ(text_code, 0) << text;
  EXPECT_NE(text.find("pod"), std::string::npos) << text;
  EXPECT_NE(text.find("(job "), std::string::npos) << text;
  auto [hook_code, hook] = RunVigil({"watchers", "run", "hook", "--config", d_.config_path()});
  EXPECT_EQ(hook_code, 1);
  EXPECT_NE(hook.find("vigil: the daemon answered HTTP 409: watcher hook is a webhook watcher"), std::string::npos) << hook;
  auto [missing_code, missing] = RunVigil({"watchers", "run", "nobody", "--config", d_.config_path()});
  EXPECT_EQ(missing_code, 1);
  EXPECT_NE(missing.find("HTTP 404: no watcher named \"nobody\""), std::string::npos) << missing;
  d_.Signal(SIGTERM);
  EXPECT_EQ(d_.Wait(std::chrono::seconds(10)), 0) << d_.Stderr();
}

TEST_F(WatchersCli, RunWithoutAnApiTokenSaysSo) {
  std::string config = d_.dir().Write("no-token.yaml", "database:\n  url: sqlite:vigil.db\nwatchers:\n  - name: pod\n    type: literature\n"
                                                       "    source: feed\n    url: " + Url("/feed.rss") + "\n");
  auto [code, out] = RunVigil({"watchers", "run", "pod", "--config", config});
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("vigil: api.token is not set in the config"), std::string::npos) << out;
}

TEST_F(WatchersCli, TestReportsAFailingSourceClearly) {
  auto [code, out] = RunVigil({"watchers", "test", "gone", "--config", d_.config_path()});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("gone: HTTP 404"), std::string::npos) << out;
  auto [c2, o2] = RunVigil({"watchers", "test", "nobody", "--config", d_.config_path()});
  EXPECT_NE(c2, 0);
  EXPECT_NE(o2.find("no watcher named \"nobody\""), std::string::npos) << o2;
}

TEST_F(WatchersCli, ListShowsEveryWatcher) {
  auto [code, out] = RunVigil({"watchers", "list", "--json", "--config", d_.config_path()});
  ASSERT_EQ(code, 0) << out;
  auto rows = nlohmann::json::parse(out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["name"], "pod");
  EXPECT_EQ(rows[0]["events"], 0);
  EXPECT_TRUE(rows[0].contains("next_poll"));
}

}  // namespace
}  // namespace vigil

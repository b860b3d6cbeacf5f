// `vigil watchers test|list` through the built binary, against a local feed host.
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
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nwatchers:\n  - name: pod\n    type: literature\n    source: feed\n"
                   "    url: " + Url("/feed.rss") + "\n  - name: gone\n    type: literature\n"
                   "    source: feed\n    url: " + Url("/missing") + "\n");
  }
  DaemonProcess d_;
};

TEST_F(WatchersCli, TestPrintsTheEventsAsJsonWithoutStoring) {
  auto [code, out] = RunVigil({"watchers", "test", "pod", "--json", "--config", d_.config_path()});
  ASSERT_EQ(code, 0) << out;
  auto events = nlohmann::json::parse(out);
  ASSERT_TRUE(events.is_array());
  ASSERT_FALSE(events.empty());
  for (const auto& e : events) {
    for (const char* key : {"title", "summary", "source_id", "source_url", "source_metadata"}) EXPECT_TRUE(e.contains(key)) << key;
  }
  EXPECT_FALSE(std::filesystem::exists(d_.dir().File("vigil.db"))) << "test stores nothing";
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
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["name"], "pod");
  EXPECT_EQ(rows[0]["events"], 0);
  EXPECT_TRUE(rows[0].contains("next_poll"));
}

}  // namespace
}  // namespace vigil

// A community's digest through the built binary: `vigil digests send` enqueues it, the daemon's
// digest job claims the waiting items and its deliver job posts the Slack message to a loopback
// receiver; `vigil digests list|show` then show what was sent.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "config/config.h"
#include "jobs/triage/triage_job.h"
#include "sources/literature/pubmed_parser.h"
#include "sources/watcher_checks.h"
#include "store/event_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class DigestE2E : public testsupport::StandInServer {
 protected:
  std::string Yaml() {
    return "database: {url: \"sqlite:" + d_.dir().File("vigil.db") + "\"}\n"
           "http: {listen: \"127.0.0.1:${PORT}\"}\n"
           "jobs: {poll_interval: 100ms, shutdown_timeout: 2s}\n"
           "communities:\n"
           "  - name: oncology\n"
           "    rules:\n"
           "      keywords: {pesticide: 0.45, cryopreservation: 0.15}\n"
           "      notify_at: high\n"
           "      digest: {schedule: \"0 7 * * *\", tz: Europe/Berlin}\n"
           "notify: {channels: [{name: team, type: slack, url: \"" + Url("/services/T0/B0/x") + "\"}]}\n";
  }

  // Stores and triages the PubMed fixtures as the daemon's triage would; returns how many wait.
  int TriageFixtures() {
    auto config = LoadConfig(d_.WriteConfig(Yaml()));
    EXPECT_TRUE(config.ok()) << config.error();
    auto db = testing::ConnectMigrated((*config)->DatabaseUrl(), {{.name = "pubmed-onc", .type = "literature", .community = "oncology"}});
    EXPECT_TRUE(db);
    auto now = std::chrono::system_clock::now();
    std::string community = testing::TestCommunity(*db, "oncology");
    auto settings = ParseTriageSettings(**config);
    int waiting = 0;
    for (const char* file : {"pubmed5.xml", "pubmed2.xml"}) {
      auto events = ParsePubmedArticleSet(testing::ReadFixture(std::string("pubmed/") + file));
      EXPECT_TRUE(events.ok());
      for (auto& e : events.ok() ? *events : std::vector<Event>{}) {
        auto stored = InsertEvents(*db, {{**WatcherIdByName(*db, "pubmed-onc"), community, std::move(e), {}, false}}, now);
        EXPECT_TRUE(stored.ok());
        auto out = TriageEvent(*settings, nullptr, *db, (*stored)[0].id, now, nullptr);
        EXPECT_TRUE(out.ok());
        waiting += out.ok() && !out->pushed ? 1 : 0;
      }
    }
    return waiting;
  }

  std::pair<int, std::string> Run(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(d_.config_path());
    return testing::RunVigil(args);
  }

  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) {
    return testing::WaitFor([&] { return Arrivals().size() >= n; }, timeout, 50ms);
  }

  testing::DaemonProcess d_;
};

TEST_F(DigestE2E, SendNowDeliversTheCommunitysDigestOnce) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Text(200, "ok")}; });
  int waiting = TriageFixtures();
  ASSERT_GE(waiting, 2);
  auto [rc, out] = Run({"digests", "send", "oncology"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("digest for oncology enqueued (job "), std::string::npos) << out;
  ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  ASSERT_TRUE(WaitForRequests(1, 15s)) << d_.Stderr();
  auto slack = nlohmann::json::parse(Arrivals()[0].body);
  EXPECT_EQ(slack["text"].get<std::string>().find("Digest for oncology: " + std::to_string(waiting) + " items (1 medium"), 0u)
      << slack.dump();
  auto [lc, listed] = Run({"digests", "list", "--json"});
  ASSERT_EQ(lc, 0) << listed;
  auto digests = nlohmann::json::parse(listed);
  ASSERT_EQ(digests.size(), 1u);
  EXPECT_EQ(digests[0]["item_count"], waiting);
  auto [sc, shown] = Run({"digests", "show", digests[0]["id"].get<std::string>()});
  ASSERT_EQ(sc, 0) << shown;
  EXPECT_NE(shown.find("MEDIUM (1)\n1. Occupational pesticide exposure"), std::string::npos) << shown;
  auto [again, again_out] = Run({"digests", "send", "oncology"});  // nothing waits now
  ASSERT_EQ(again, 0) << again_out;
  std::this_thread::sleep_for(1500ms);  // a stimulus: 1.5 s for the daemon to send anything it would
  EXPECT_EQ(Arrivals().size(), 1u) << "an empty digest sends nothing";
  d_.Signal(SIGTERM);
  EXPECT_EQ(d_.Wait(20s), 0) << d_.Stderr();
}

}  // namespace
}  // namespace vigil

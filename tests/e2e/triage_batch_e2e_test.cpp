// Batched triage across a kill -9, through the built binary on SQLite and the real PostgreSQL:
// webhook events pile up in the triage queue while the `triage` kind is paused (`vigil jobs
// pause`), the kind is resumed, the daemon is killed with SIGKILL once some but not all events are
// triaged, and a second daemon finishes the queue. Every event ends triaged exactly once: one
// verdict, one score row, one change-feed entry for its verdict (besides the one for its insert),
// no event with two notifications, and the queue empty.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "triage-batch-secret";
constexpr int kEvents = 800;
constexpr int kClients = 4;

class TriageBatchE2E : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
  }

  void WriteConfig(testing::DaemonProcess& d) {
    // notify_at low: every event that is not a near-duplicate of an earlier one is a notification.
    d.WriteConfig("database:\n  url: " + db_.url() + "\nhttp:\n  listen: 127.0.0.1:${PORT}\nlogging:\n  level: warn\n"
                  "communities:\n  - name: oncology\n    rules:\n      notify_at: low\n"
                  "watchers:\n  - name: gh\n    type: webhook\n    community: oncology\n"
                  "    verify: {scheme: github, secret: " + std::string(kSecret) + "}\n");
  }

  std::pair<int, std::string> Vigil(const testing::DaemonProcess& d, std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(d.config_path());
    return testing::RunVigil(args);
  }

  int64_t Count(const std::string& sql) {
    auto r = conn_->Query(sql);
    EXPECT_TRUE(r.ok()) << r.error() << ": " << sql;
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }

  int64_t Triaged() { return Count("SELECT COUNT(*) FROM watcher_events WHERE triage_signal IS NOT NULL"); }

  // Signed pushes with distinct titles (the commit message), from kClients threads; how many got 202.
  int Send(int port) {
    std::string body = testing::ReadFixture("webhooks/github/push.json");
    std::atomic<int> accepted{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) {
      clients.emplace_back([&, t] {
        for (int i = t; i < kEvents; i += kClients) {
          auto payload = nlohmann::json::parse(body);
          payload["head_commit"]["message"] = "batch event " + std::to_string(i) + " on topic " + std::to_string(i * 7919 % 10007);
          HttpRequest r = testing::GithubRequest(kSecret, "push", "batch-" + std::to_string(i), payload.dump());
          std::string headers;
          for (const auto& [name, value] : r.headers) headers += name + ": " + value + "\r\n";
          testsupport::RawHttpClient client(port);
          client.Send(testsupport::MakeRequest("POST", r.path, r.body, headers));
          auto res = client.ReadResponse(10s);
          if (res && res->status == 202) accepted++;
        }
      });
    }
    for (auto& c : clients) c.join();
    return accepted;
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
};

TEST_P(TriageBatchE2E, EveryEventIsTriagedExactlyOnceAcrossAKillNine) {
  testing::DaemonProcess first;
  WriteConfig(first);
  auto [prc, pout] = Vigil(first, {"jobs", "pause", "triage"});
  ASSERT_EQ(prc, 0) << pout;
  ASSERT_TRUE(first.StartDaemon()) << first.Stderr();
  ASSERT_EQ(Send(first.port()), kEvents);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), kEvents);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_triage_pending"), kEvents) << "paused: every event waits in the queue";
  EXPECT_LE(Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'triage'"), 1) << "a burst is one triage job, not one per event";
  EXPECT_EQ(Triaged(), 0);

  auto [rrc, rout] = Vigil(first, {"jobs", "resume", "triage"});
  ASSERT_EQ(rrc, 0) << rout;
  ASSERT_TRUE(testing::WaitFor([&] { return Triaged() > 0; }, 30s, 1ms)) << first.Stderr();
  first.Signal(SIGKILL);
  ASSERT_TRUE(first.Wait(10s));
  int64_t at_kill = Triaged();
  ASSERT_LT(at_kill, kEvents) << "the kill came after the whole queue was triaged: the test proved nothing";
  std::cout << "killed with " << at_kill << " of " << kEvents << " events triaged\n";

  testing::DaemonProcess second;
  WriteConfig(second);
  ASSERT_TRUE(second.StartDaemon()) << second.Stderr();
  ASSERT_TRUE(testing::WaitFor([&] { return Triaged() == kEvents; }, 60s, 50ms))
      << Triaged() << " of " << kEvents << " triaged; " << second.Stderr();
  ASSERT_TRUE(testing::WaitFor([&] { return Count("SELECT COUNT(*) FROM vigil_triage_pending") == 0; }, 10s, 50ms));
  second.Signal(SIGTERM);
  ASSERT_TRUE(second.Wait(30s));

  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_event_scores"), kEvents) << "one score per event";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM (SELECT event_id FROM notifications GROUP BY event_id HAVING COUNT(*) > 1) twice"), 0);
  EXPECT_GT(Count("SELECT COUNT(*) FROM notifications"), 0);
  // One change for the insert (a trigger on vigil_event_sources) and one for the verdict.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM (SELECT ref FROM vigil_changes WHERE topic = 'event' GROUP BY ref"
                  " HAVING COUNT(*) <> 2) odd"),
            0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, TriageBatchE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

// Signed GitHub deliveries keep arriving while the daemon's PostgreSQL server goes away and comes
// back. Every answer is 202 or 503 with Retry-After, none takes longer than a bound, every 202'd
// delivery is in watcher_events with its triage job, the daemon accepts again once the server is
// back, and the 503'd deliveries, sent again, are stored. Uses a private server of its own.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/private_postgres.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const char* kSecret = "pg-outage-secret";
constexpr auto kAnswerBound = 10s;  // longest any single answer may take

struct Answer {
  int status = 0;  // -1: no answer within kAnswerBound
  bool retry_after = false;
  Clock::duration took{};
};

Answer Deliver(int port, const std::string& delivery, const std::string& body) {
  HttpRequest r = testing::GithubRequest(kSecret, "push", delivery, body);
  std::string headers;
  for (const auto& [name, value] : r.headers) headers += name + ": " + value + "\r\n";
  auto start = Clock::now();
  testsupport::RawHttpClient client(port);
  client.Send(testsupport::MakeRequest("POST", r.path, r.body, headers));
  auto res = client.ReadResponse(kAnswerBound);
  Answer a;
  a.took = Clock::now() - start;
  a.status = res ? res->status : -1;
  a.retry_after = res && !res->HeaderValue("Retry-After").empty();
  return a;
}

// What the client threads saw, by delivery id.
struct Tally {
  std::mutex mu;
  std::vector<std::string> accepted, refused;
  std::vector<std::string> unexpected;  // "delivery: status"
  Clock::duration slowest{};
  Clock::time_point last_accept{};

  void Add(const std::string& delivery, const Answer& a) {
    std::lock_guard<std::mutex> lock(mu);
    slowest = std::max(slowest, a.took);
    if (a.status == 202) {
      accepted.push_back(delivery);
      last_accept = Clock::now();
    } else if (a.status == 503 && a.retry_after) {
      refused.push_back(delivery);
    } else {
      unexpected.push_back(delivery + ": " + std::to_string(a.status) + (a.retry_after ? " with" : " without") +
                           " Retry-After");
    }
  }
};

// source_id -> event id, and the event ids that have a triage job.
std::map<std::string, std::string> StoredEvents(SqlConnection& db) {
  std::map<std::string, std::string> out;
  auto r = db.Query("SELECT source_id, id FROM watcher_events WHERE source_id LIKE 'pgout-%'");
  EXPECT_TRUE(r.ok()) << r.error();
  if (r.ok())
    for (const auto& row : r->rows) out[row.Text(0)] = row.Text(1);
  return out;
}

std::set<std::string> TriagedEventIds(SqlConnection& db) {
  std::set<std::string> out;
  // Queued for triage, or triaged already (one statement: one snapshot).
  auto r = db.Query("SELECT event_id FROM vigil_triage_pending UNION"
                    " SELECT CAST(id AS TEXT) FROM watcher_events WHERE triage_signal IS NOT NULL");
  EXPECT_TRUE(r.ok()) << r.error();
  if (r.ok())
    for (const auto& row : r->rows) out.insert(row.Text(0));
  return out;
}

// Every delivery in `deliveries` is stored, and its event is queued for triage or triaged.
void ExpectStoredAndQueuedForTriage(SqlConnection& db, const std::vector<std::string>& deliveries, const std::string& why) {
  auto stored = StoredEvents(db);
  auto triaged = TriagedEventIds(db);
  for (const auto& delivery : deliveries) {
    auto row = stored.find(delivery);
    ASSERT_NE(row, stored.end()) << delivery << " " << why;
    EXPECT_TRUE(triaged.count(row->second)) << delivery << " is stored but neither queued for triage nor triaged";
  }
}

TEST(WebhookPgOutageE2E, AnswersOnly2xxOr503AndEvery2xxIsStoredAndQueuedForTriage) {
  testing::PrivatePostgres pg;
  ASSERT_FALSE(pg.url().empty()) << "could not start a private PostgreSQL";
  testing::DaemonProcess d;
  d.WriteConfig("database:\n  url: " + pg.url() + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n"
                "watchers:\n  - name: gh\n    type: webhook\n    verify: {scheme: github, secret: " + kSecret + "}\n");
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  std::string body = testing::ReadFixture("webhooks/github/push.json");

  Tally tally;
  std::atomic<bool> stop{false};
  std::atomic<Clock::time_point> resumed_at{Clock::time_point::max()};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        std::string delivery = "pgout-" + std::to_string(t) + "-" + std::to_string(i);
        tally.Add(delivery, Deliver(d.port(), delivery, body));
        std::this_thread::sleep_for(20ms);  // a steady trickle, so the retries below stay quick
      }
    });
  }
  std::this_thread::sleep_for(1s);  // a stimulus: 1 s of traffic before the outage
  pg.Pause();
  std::this_thread::sleep_for(3s);  // the outage itself: a stimulus of fixed length
  pg.Resume();
  resumed_at = Clock::now();
  // Run on until the daemon has accepted again for a while (its reconnect backoff is at most 5 s).
  (void)testing::WaitFor([&] {
    std::lock_guard<std::mutex> lock(tally.mu);
    return tally.last_accept > resumed_at.load() + 1s;
  }, 12s, 100ms);
  stop = true;
  for (auto& c : clients) c.join();

  EXPECT_TRUE(tally.unexpected.empty()) << tally.unexpected.size() << " unexpected answers, first " << tally.unexpected.front();
  auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  EXPECT_LT(ms(tally.slowest), ms(kAnswerBound)) << "an answer took too long";
  EXPECT_FALSE(tally.refused.empty()) << "the outage never made the daemon answer 503";
  EXPECT_TRUE(tally.last_accept > resumed_at.load()) << "no 202 after the server came back\n" << d.Stderr();

  auto db = OpenSqlConnection(pg.url());
  ASSERT_TRUE(db.ok()) << db.error();
  ExpectStoredAndQueuedForTriage(**db, tally.accepted, "was answered 202 but is not stored");

  // The 503'd deliveries, sent again as a sender would after Retry-After, are stored now (which
  // also shows the same daemon process is still serving). A 503 with Retry-After is still an
  // honest answer just after the outage (the writer's first statements on its new connection can
  // fail too); the sender keeps trying, here after 200 ms rather than the 5 s it is told, for 15 s.
  auto deadline = Clock::now() + 15s;
  int again = 0;
  for (const auto& delivery : tally.refused) {
    Answer a = Deliver(d.port(), delivery, body);
    while (a.status == 503 && a.retry_after && Clock::now() < deadline) {
      ++again;
      std::this_thread::sleep_for(200ms);
      a = Deliver(d.port(), delivery, body);
    }
    ASSERT_EQ(a.status, 202) << delivery << " after " << again << " refused retries\n" << d.Stderr();
  }
  ExpectStoredAndQueuedForTriage(**db, tally.refused, "was not stored on its retry");
  std::cout << "[ figures  ] " << tally.accepted.size() << " answered 202, " << tally.refused.size()
            << " answered 503, slowest answer " << ms(tally.slowest) << " ms, " << again
            << " retries answered 503 again\n";
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
}

}  // namespace
}  // namespace vigil

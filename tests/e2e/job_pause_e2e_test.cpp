// Pausing job kinds and queues and retrying discarded jobs in bulk, through the built binary: the
// CLI (straight on the database, a running daemon honouring it within a second) and the admin API.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::RunVigil;
using testsupport::RawHttpClient;

// A poll of 10 s: an idle daemon claims on a wake-up or when its pause watch sees a resume.
class JobPauseE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\napi:\n  token: s3cret-token\n"
                   "jobs:\n  poll_interval: 10s\n  queues: {default: 2, slow: 1}\n");
    ASSERT_TRUE(d_.StartDaemon()) << d_.Stderr();
  }

  std::pair<int, std::string> Vigil(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(d_.config_path());
    return RunVigil(args);
  }

  nlohmann::json Api(const std::string& method, const std::string& target, int want, const std::string& body = "") {
    RawHttpClient c(d_.port());
    c.Send(testsupport::MakeRequest(method, target, body,
                                    "Authorization: Bearer s3cret-token\r\nContent-Type: application/json\r\n"));
    auto r = c.ReadResponse(10s);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want) << method << " " << target << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  // The states of the noop jobs, as `jobs list --json` gives them.
  std::multiset<std::string> States() {
    auto [rc, out] = Vigil({"jobs", "list", "--kind", "noop", "--json"});
    EXPECT_EQ(rc, 0) << out;
    std::multiset<std::string> states;
    auto list = nlohmann::json::parse(out, nullptr, false);
    if (list.is_array()) {
      for (const auto& j : list) states.insert(j.value("state", ""));
    }
    return states;
  }

  bool AllNoop(const std::string& state, size_t n, std::chrono::milliseconds timeout = 10s) {
    return testing::WaitFor([&] { return States() == Many(n, state); }, timeout, 100ms);
  }

  static std::multiset<std::string> Many(size_t n, const std::string& state) {
    std::vector<std::string> v(n, state);
    return {v.begin(), v.end()};
  }

  DaemonProcess d_;
};

TEST_F(JobPauseE2E, CliPauseHoldsAKindsJobsUntilItsResume) {
  auto [pc, pout] = Vigil({"jobs", "pause", "noop", "--note", "maintenance", "--json"});
  ASSERT_EQ(pc, 0) << pout;
  auto pause = nlohmann::json::parse(pout);
  EXPECT_EQ(pause["scope"], "kind");
  EXPECT_EQ(pause["name"], "noop");
  EXPECT_EQ(pause["already_paused"], false);
  EXPECT_TRUE(pause["paused_at"].get<std::string>().ends_with("Z")) << pout;
  std::this_thread::sleep_for(1s);  // the daemon honours a pause within a second
  auto [ec, eout] = Vigil({"jobs", "enqueue", "noop", "--count", "5", "--args", R"({"mark": true})"});
  ASSERT_EQ(ec, 0) << eout;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(States(), Many(5, "available")) << "paused: the enqueued jobs wait";

  auto [lc, lout] = Vigil({"jobs", "list"});
  EXPECT_EQ(lc, 0) << lout;
  EXPECT_NE(lout.find("available (paused)"), std::string::npos) << lout;
  EXPECT_NE(lout.find("paused: kind noop since "), std::string::npos) << lout;
  auto [sc, sout] = Vigil({"jobs", "paused"});
  EXPECT_EQ(sc, 0) << sout;
  EXPECT_NE(sout.find("maintenance"), std::string::npos) << sout;
  EXPECT_NE(sout.find("cli:"), std::string::npos) << sout;
  auto [jc, jout] = Vigil({"jobs", "paused", "--json"});
  ASSERT_EQ(jc, 0) << jout;
  EXPECT_EQ(nlohmann::json::parse(jout).size(), 1u) << jout;
  auto [stc, stout] = Vigil({"status", "--json"});
  ASSERT_EQ(stc, 0) << stout;
  EXPECT_EQ(nlohmann::json::parse(stout)["pauses"][0]["name"], "noop") << stout;

  auto resumed = std::chrono::steady_clock::now();
  auto [rc, rout] = Vigil({"jobs", "resume", "noop"});
  ASSERT_EQ(rc, 0) << rout;
  EXPECT_NE(rout.find("resumed kind noop"), std::string::npos) << rout;
  ASSERT_TRUE(AllNoop("completed", 5)) << d_.Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - resumed, 3s) << "seen within a second, not at the 10 s poll";
  auto [ac, aout] = Vigil({"jobs", "resume", "noop"});
  EXPECT_EQ(ac, 1) << aout;
  EXPECT_NE(aout.find("vigil: kind noop is not paused"), std::string::npos) << aout;
}

TEST_F(JobPauseE2E, CliRefusesUnknownKindsAndQueuesWithTheKnownOnes) {
  auto [kc, kout] = Vigil({"jobs", "pause", "nop"});
  EXPECT_EQ(kc, 2) << kout;
  EXPECT_NE(kout.find("vigil: no job kind \"nop\""), std::string::npos) << kout;
  EXPECT_NE(kout.find("noop"), std::string::npos) << kout;
  auto [qc, qout] = Vigil({"jobs", "pause", "--queue", "fast"});
  EXPECT_EQ(qc, 2) << qout;
  EXPECT_NE(qout.find("queues: default, slow"), std::string::npos) << qout;
  auto [nc, nout] = Vigil({"jobs", "pause"});
  EXPECT_EQ(nc, 2) << nout;
  EXPECT_NE(nout.find("give a job KIND or --queue Q"), std::string::npos) << nout;
  auto [bc, bout] = Vigil({"jobs", "retry", "--kind", "noop"});
  EXPECT_EQ(bc, 2) << bout;
  EXPECT_NE(bout.find("--discarded"), std::string::npos) << bout;
  auto [xc, xout] = Vigil({"jobs", "retry"});
  EXPECT_EQ(xc, 2) << xout;
  auto [pc, pout] = Vigil({"jobs", "paused", "--json"});
  EXPECT_EQ(pc, 0) << pout;
  EXPECT_EQ(nlohmann::json::parse(pout), nlohmann::json::array()) << "nothing was paused";
}

TEST_F(JobPauseE2E, ApiPausesAQueueAndResumesIt) {
  auto created = Api("POST", "/api/v1/pauses", 201, R"({"queue": "default", "note": "deploy"})");
  EXPECT_EQ(created["scope"], "queue");
  EXPECT_EQ(created["paused_by"], "api");
  auto again = Api("POST", "/api/v1/pauses", 200, R"({"queue": "default"})");
  EXPECT_EQ(again["already_paused"], true);
  EXPECT_EQ(again["note"], "deploy") << "the first pause stands";
  auto unknown = Api("POST", "/api/v1/pauses", 400, R"({"kind": "nop"})");
  EXPECT_NE(unknown["error"].get<std::string>().find("kinds: "), std::string::npos) << unknown;
  Api("POST", "/api/v1/pauses", 400, R"({"kind": "noop", "queue": "slow"})");
  Api("POST", "/api/v1/pauses", 400, R"({"kind": 3})");
  auto list = Api("GET", "/api/v1/pauses", 200);
  ASSERT_EQ(list["items"].size(), 1u) << list;
  EXPECT_NE(std::find(list["kinds"].begin(), list["kinds"].end(), "noop"), list["kinds"].end()) << list;
  EXPECT_EQ(list["queues"], nlohmann::json::array({"default", "slow"})) << list;

  auto [ec, eout] = Vigil({"jobs", "enqueue", "noop", "--count", "3"});
  ASSERT_EQ(ec, 0) << eout;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(States(), Many(3, "available"));
  auto resumed = Api("DELETE", "/api/v1/pauses/queue/default", 200);
  EXPECT_EQ(resumed["resumed"], true);
  ASSERT_TRUE(AllNoop("completed", 3, 3s)) << "the daemon's own resume claims at once";
  Api("DELETE", "/api/v1/pauses/queue/default", 404);
  Api("DELETE", "/api/v1/pauses/team/default", 404);
}

TEST_F(JobPauseE2E, DiscardedJobsOfAKindRetryInBulkThroughTheApiAndTheCli) {
  auto [ec, eout] = Vigil({"jobs", "enqueue", "noop", "--count", "3", "--max-attempts", "1", "--args", R"({"fail_attempts": 2})"});
  ASSERT_EQ(ec, 0) << eout;
  ASSERT_TRUE(AllNoop("discarded", 3)) << d_.Stderr();
  Api("POST", "/api/v1/jobs/retry", 400, R"({"kind": "noop", "state": "cancelled"})");
  Api("POST", "/api/v1/jobs/retry", 400, R"({"kind": "nop", "state": "discarded"})");
  auto api = Api("POST", "/api/v1/jobs/retry", 200, R"({"kind": "noop", "state": "discarded"})");
  EXPECT_EQ(api["retried"], 3) << api;
  ASSERT_TRUE(AllNoop("discarded", 3)) << "attempt 2 fails too, and was the last";
  auto [rc, rout] = Vigil({"jobs", "retry", "--kind", "noop", "--discarded", "--json"});
  ASSERT_EQ(rc, 0) << rout;
  EXPECT_EQ(nlohmann::json::parse(rout)["retried"], 3) << rout;
  ASSERT_TRUE(AllNoop("completed", 3)) << "attempt 3 succeeds";
  auto [nc, nout] = Vigil({"jobs", "retry", "--kind", "noop", "--discarded"});
  EXPECT_EQ(nc, 0) << nout;
  EXPECT_NE(nout.find("no discarded noop jobs to retry"), std::string::npos) << nout;
}

}  // namespace
}  // namespace vigil

// `vigil watchers test NAME` for every watcher type through the built binary: a webhook payload
// through the daemon's own decision (verification, trigger, mapping), log lines and files through
// the rules, a timed watcher fired once, each event with the signal and reasoning the current
// rules give it; nothing is stored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_db.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/fixtures_dir.h"
#include "tests/unit/webhook_test_requests.h"

namespace vigil {
namespace {

constexpr const char* kSecret = "e2e-github-secret";
constexpr const char* kSshdLine =
    "Jun 21 16:47:48 digital-mlhhyiqscv sshd[13709]: error: PAM: Authentication failure for myhlj1374 from 192.030.0.6";

class WatchersTestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.Write("vigil.yaml",
                         "database: {url: \"sqlite:" + dir_.File("vigil.db") + "\"}\n"
                         "watchers:\n"
                         "  - name: gh\n    type: webhook\n    community: oncology\n"
                         "    verify: {scheme: github, secret: " + std::string(kSecret) + "}\n"
                         "    trigger:\n      match: {type: value, value: push, source: header, name: X-GitHub-Event}\n"
                         "  - name: auth\n    type: log\n    community: oncology\n    paths: ['" + dir_.File("none.log") + "']\n"
                         "    rules:\n      - name: pam-failure\n"
                         "        match: 'Authentication failure for (?P<user>\\S+) from (?P<host>\\S+)'\n"
                         "        title: 'auth failure for {{user}} from {{host}}'\n"
                         "  - name: tick\n    type: scheduled\n    every: 1h\n    community: oncology\n"
                         "    emit: {title: 'nightly check of Hello-World at {{fire_at}}', summary: '{{watcher}}'}\n"
                         "communities: [{name: oncology, rules: {keywords: {hello world: 0.5, auth failure: 0.8}}}]\n");
    push_ = testing::ReadFixture("webhooks/github/push.json");
    payload_ = dir_.Write("push.json", push_);
  }
  std::pair<int, std::string> Run(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config_);
    return testing::RunVigil(args);
  }
  std::vector<std::string> Webhook(const std::string& event, const std::string& secret) {
    return {"watchers", "test", "gh", "--payload", payload_, "--header", "Content-Type: application/json", "--header",
            "X-GitHub-Event: " + event, "--header", "X-GitHub-Delivery: d-1", "--header",
            "X-Hub-Signature-256: " + testing::GithubSignature(secret, push_)};
  }

  testing::TempDir dir_;
  std::string config_, push_, payload_;
};

TEST_F(WatchersTestCli, AWebhookPayloadShowsVerificationTriggerEventAndSignal) {
  auto [rc, out] = Run(Webhook("push", kSecret));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("verification: passed (github)"), std::string::npos) << out;
  EXPECT_NE(out.find("trigger: matched"), std::string::npos) << out;
  EXPECT_NE(out.find("the daemon would answer 202 and store the event"), std::string::npos) << out;
  EXPECT_NE(out.find("1 events would be created (nothing stored)"), std::string::npos) << out;
  EXPECT_NE(out.find("[d-1] Codertocat/Hello-World"), std::string::npos) << out;
  EXPECT_NE(out.find("signal medium  score 0.50  would notify  (community oncology)"), std::string::npos) << out;
  EXPECT_NE(out.find("why: keyword \"hello world\" in title +0.50"), std::string::npos) << out;
  auto args = Webhook("push", kSecret);
  args.push_back("--json");
  auto [json_rc, json] = Run(args);
  ASSERT_EQ(json_rc, 0) << json;
  auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j["type"], "webhook");
  EXPECT_EQ(j["verification"]["result"], "passed");
  EXPECT_EQ(j["trigger"]["result"], "matched");
  EXPECT_EQ(j["answer"]["status"], 202);
  ASSERT_EQ(j["events"].size(), 1u);
  EXPECT_EQ(j["events"][0]["source_id"], "d-1");
  EXPECT_EQ(j["events"][0]["triage"]["signal"], "medium");
  EXPECT_EQ(j["events"][0]["triage"]["notify"], true);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("vigil.db"))) << "a test creates no database";
}

TEST_F(WatchersTestCli, AWrongSignatureFailsVerificationAsTheDaemonWould) {
  auto [rc, out] = Run(Webhook("push", "not-the-secret"));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("verification: failed (github): signature mismatch"), std::string::npos) << out;
  EXPECT_NE(out.find("trigger: not reached"), std::string::npos) << out;
  EXPECT_NE(out.find("the daemon would answer 401"), std::string::npos) << out;
  EXPECT_NE(out.find("0 events would be created"), std::string::npos) << out;
}

TEST_F(WatchersTestCli, ATriggerMismatchIsIgnoredAsTheDaemonWould) {
  auto [rc, out] = Run(Webhook("issues", kSecret));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("verification: passed"), std::string::npos) << out;
  EXPECT_NE(out.find("trigger: did not match"), std::string::npos) << out;
  EXPECT_NE(out.find("the daemon would answer 204"), std::string::npos) << out;
}

TEST_F(WatchersTestCli, EachTypeAsksForItsOwnInput) {
  auto [rc, out] = Run({"watchers", "test", "gh"});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("vigil: gh: a webhook watcher is tested with --payload FILE"), std::string::npos) << out;
  auto [log_rc, log] = Run({"watchers", "test", "auth"});
  EXPECT_EQ(log_rc, 2);
  EXPECT_NE(log.find("--line TEXT or --file F"), std::string::npos) << log;
  auto [wrong_rc, wrong] = Run({"watchers", "test", "tick", "--line", "x"});
  EXPECT_EQ(wrong_rc, 2);
  EXPECT_NE(wrong.find("--line and --file are for log watchers; tick is a scheduled watcher"), std::string::npos) << wrong;
  auto [missing_rc, missing] = Run({"watchers", "test", "gh", "--payload", dir_.File("absent.json")});
  EXPECT_EQ(missing_rc, 1);
  EXPECT_NE(missing.find("cannot be read"), std::string::npos) << missing;
}

TEST_F(WatchersTestCli, ALogLineShowsTheRuleThatMatchedAndTheEvent) {
  auto [rc, out] = Run({"watchers", "test", "auth", "--line", kSshdLine});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("rule pam-failure matched at offset 0"), std::string::npos) << out;
  EXPECT_NE(out.find("auth failure for myhlj1374 from 192.030.0.6"), std::string::npos) << out;
  EXPECT_NE(out.find("signal high  score 0.80  would notify"), std::string::npos) << out;
  auto [miss_rc, miss] = Run({"watchers", "test", "auth", "--line", "sshd[1]: Accepted publickey for root"});
  ASSERT_EQ(miss_rc, 0) << miss;
  EXPECT_NE(miss.find("no rule matched: the line makes no event"), std::string::npos) << miss;
  EXPECT_NE(miss.find("0 events would be created"), std::string::npos) << miss;
}

TEST_F(WatchersTestCli, ALogFileIsMatchedRecordByRecord) {
  std::string log = (std::filesystem::path(testing::FixturesDir()) / "logs/sshd.log").string();
  auto [rc, out] = Run({"watchers", "test", "auth", "--file", log, "--json"});
  ASSERT_EQ(rc, 0) << out;
  auto j = nlohmann::json::parse(out);
  ASSERT_GT(j["records"].size(), 10u);
  ASSERT_FALSE(j["events"].empty());
  size_t matched = 0;
  for (const auto& r : j["records"]) matched += r["rule"].is_string();
  EXPECT_EQ(matched, j["events"].size());
  for (const auto& e : j["events"]) {
    EXPECT_EQ(e["source_metadata"]["rule"], "pam-failure");
    EXPECT_EQ(e["triage"]["signal"], "high") << e.dump();
  }
}

TEST_F(WatchersTestCli, AScheduledWatcherFiresOnceNow) {
  auto [rc, out] = Run({"watchers", "test", "tick"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("fired once at "), std::string::npos) << out;
  EXPECT_NE(out.find("nightly check of Hello-World at "), std::string::npos) << out;
  EXPECT_NE(out.find("signal medium  score 0.50"), std::string::npos) << out;
}

TEST_F(WatchersTestCli, TestingEveryTypeStoresNothingInAnExistingDatabase) {
  auto db = testing::ConnectMigrated("sqlite:" + dir_.File("vigil.db"), {{.name = "gh", .type = "webhook", .community = "oncology"}});
  ASSERT_TRUE(db);
  auto counts = [&] {
    std::vector<int64_t> n;
    for (const char* t : {"watcher_events", "notifications", "vigil_jobs", "vigil_event_scores", "vigil_watcher_state", "watchers"})
      n.push_back(db->Query(std::string("SELECT COUNT(*) FROM ") + t)->rows.at(0).Int(0));
    return n;
  };
  auto before = counts();
  auto [rc, out] = Run(Webhook("push", kSecret));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("signal medium"), std::string::npos) << out;
  ASSERT_EQ(Run({"watchers", "test", "auth", "--line", kSshdLine}).first, 0);
  ASSERT_EQ(Run({"watchers", "test", "tick"}).first, 0);
  EXPECT_EQ(counts(), before);
}

}  // namespace
}  // namespace vigil

// `vigil notifications list|read|act|dismiss` through the built binary on a SQLite database.
#include <gtest/gtest.h>

#include "config/config.h"
#include "jobs/triage/triage_job.h"
#include "sources/watcher_checks.h"
#include "store/notification_repo.h"
#include "tests/integration/triage_env.h"
#include "tests/support/daemon_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

class NotificationsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string yaml = "database: {url: \"sqlite:" + dir_.File("vigil.db") + "\"}\n"
                       "watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}]\n"
                       "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n";
    config_ = dir_.Write("vigil.yaml", yaml);
    auto config = LoadConfig(config_);
    ASSERT_TRUE(config.ok()) << config.error();
    auto db = testing::ConnectMigrated((*config)->DatabaseUrl(), {{.name = "pubmed-onc", .type = "literature", .community = "oncology"}});
    ASSERT_TRUE(db);
    std::string community = testing::TestCommunity(*db, "oncology");
    auto stored = InsertEvents(*db, {{**WatcherIdByName(*db, "pubmed-onc"), community, testing::TriageEnv::Pubmed("pubmed4.xml"), {}, false}},
                               std::chrono::system_clock::now());
    ASSERT_TRUE(stored.ok());
    auto settings = ParseTriageSettings(**config);
    auto out = TriageEvent(*settings, nullptr, *db, (*stored)[0].id, std::chrono::system_clock::now(), nullptr);
    ASSERT_TRUE(out.ok() && !out->notification_id.empty());
    id_ = out->notification_id;
  }
  std::pair<int, std::string> Run(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config_);
    return testing::RunVigil(args);
  }

  testing::TempDir dir_;
  std::string config_;
  std::string id_;
};

TEST_F(NotificationsCliTest, ListReadActDismiss) {
  auto [rc, out] = Run({"notifications", "list", "--json"});
  ASSERT_EQ(rc, 0) << out;
  auto list = nlohmann::json::parse(out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id_);
  EXPECT_EQ(list[0]["status"], "pending");
  EXPECT_EQ(Run({"notifications", "read", id_}).first, 0);
  EXPECT_EQ(nlohmann::json::parse(Run({"notifications", "list", "--json", "--status", "read"}).second).size(), 1u);
  auto acted = Run({"notifications", "act", id_, "--action", "discussed at lab meeting"});
  EXPECT_EQ(acted.first, 0) << acted.second;
  auto shown = nlohmann::json::parse(Run({"notifications", "list", "--json"}).second);
  EXPECT_EQ(shown[0]["status"], "acted");
  EXPECT_EQ(shown[0]["action_taken"], "discussed at lab meeting");
  EXPECT_EQ(Run({"notifications", "dismiss", id_}).first, 0);
  EXPECT_EQ(nlohmann::json::parse(Run({"notifications", "list", "--json", "--status", "dismissed"}).second).size(), 1u);
}

TEST_F(NotificationsCliTest, CreateThreadRefusesADismissedNotification) {
  ASSERT_EQ(Run({"notifications", "dismiss", id_}).first, 0);
  auto [rc, out] = Run({"notifications", "act", id_, "--create-thread"});
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("notification " + id_ + " was dismissed: no thread is opened for it"), std::string::npos) << out;
  auto [jobs_rc, jobs] = Run({"jobs", "list", "--json"});
  ASSERT_EQ(jobs_rc, 0) << jobs;
  EXPECT_EQ(jobs.find("create_thread"), std::string::npos) << "no job queued: " << jobs;
}

TEST_F(NotificationsCliTest, UnknownIdFails) {
  auto [rc, out] = Run({"notifications", "read", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("no notification"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil

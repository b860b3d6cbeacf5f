// Seeing why through the built binary, on a SQLite database holding one triaged paper: the
// notification and event lists with their score and reasoning, `notifications show`, `events
// list|show`, and `triage replay` of the stored events under proposed rules, which stores nothing.
#include <gtest/gtest.h>

#include <sstream>

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

constexpr const char* kCommunities = "communities: [{name: oncology, rules: {keywords: {pancreatic cancer: 0.9}}}]\n";

class SeeingWhyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string yaml = "database: {url: \"sqlite:" + dir_.File("vigil.db") + "\"}\n"
                       "watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: pancreatic cancer, community: oncology}]\n" + std::string(kCommunities);
    config_ = dir_.Write("vigil.yaml", yaml);
    auto config = LoadConfig(config_);
    ASSERT_TRUE(config.ok()) << config.error();
    db_ = testing::ConnectMigrated((*config)->DatabaseUrl(), {{.name = "pubmed-onc", .type = "literature", .community = "oncology"}});
    ASSERT_TRUE(db_);
    std::string community = testing::TestCommunity(*db_, "oncology");
    auto stored = InsertEvents(*db_, {{**WatcherIdByName(*db_, "pubmed-onc"), community, testing::TriageEnv::Pubmed("pubmed4.xml"), {}, false}},
                               std::chrono::system_clock::now());
    ASSERT_TRUE(stored.ok());
    event_ = (*stored)[0].id;
    auto settings = ParseTriageSettings(**config);
    auto out = TriageEvent(*settings, nullptr, *db_, event_, std::chrono::system_clock::now(), nullptr);
    ASSERT_TRUE(out.ok() && !out->notification_id.empty());
    notification_ = out->notification_id;
    score_ = out->score;
  }
  std::pair<int, std::string> Run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.push_back("--config");
    args.push_back(config_);
    return testing::RunVigil(args, env);
  }
  int64_t Count(const std::string& table) { return db_->Query("SELECT COUNT(*) FROM " + table)->rows[0].Int(0); }

  testing::TempDir dir_;
  std::string config_, event_, notification_;
  double score_ = 0;
  std::unique_ptr<SqlConnection> db_;
};

TEST_F(SeeingWhyCli, NotificationsListHasScoreAndWhy) {
  auto [rc, out] = Run({"notifications", "list"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("SCORE"), std::string::npos) << out;
  EXPECT_NE(out.find("WHY"), std::string::npos) << out;
  EXPECT_NE(out.find("0.90"), std::string::npos) << out;
  EXPECT_NE(out.find("keyword \"pancreatic cancer\" in title +0.90"), std::string::npos) << "piped: nothing cut\n" << out;
  auto [narrow_rc, narrow] = Run({"notifications", "list"}, {{"COLUMNS", "200"}});
  ASSERT_EQ(narrow_rc, 0) << narrow;
  std::istringstream lines(narrow);
  for (std::string line; std::getline(lines, line);) {
    size_t shown = 0;  // characters, not bytes: "…" is 3 bytes
    for (unsigned char c : line) shown += (c & 0xC0) != 0x80;
    EXPECT_LE(shown, 200u) << "cut to the terminal: " << line;
  }
  EXPECT_NE(narrow.find("…"), std::string::npos) << narrow;
}

TEST_F(SeeingWhyCli, NotificationsShowGivesTheScoreAndTheReasoning) {
  auto [rc, out] = Run({"notifications", "show", notification_});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("score 0.90"), std::string::npos) << out;
  EXPECT_NE(out.find("why         keyword \"pancreatic cancer\" in title +0.90"), std::string::npos) << out;
  EXPECT_NE(out.find("event       " + event_), std::string::npos) << out;
  auto [json_rc, json] = Run({"notifications", "show", notification_, "--json"});
  ASSERT_EQ(json_rc, 0) << json;
  auto shown = nlohmann::json::parse(json);
  EXPECT_EQ(shown["id"], notification_);
  EXPECT_DOUBLE_EQ(shown["triage_score"].get<double>(), score_);
  EXPECT_NE(shown["triage_reasoning"].get<std::string>().find("pancreatic cancer"), std::string::npos);
  auto [missing_rc, missing] = Run({"notifications", "show", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(missing_rc, 1);
  EXPECT_NE(missing.find("vigil: no notification 00000000-0000-0000-0000-000000000000"), std::string::npos) << missing;
}

TEST_F(SeeingWhyCli, EventsListAndShowSayWhy) {
  auto [rc, out] = Run({"events", "list"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(event_), std::string::npos) << out;
  EXPECT_NE(out.find("high"), std::string::npos) << out;
  EXPECT_NE(out.find("keyword \"pancreatic cancer\""), std::string::npos) << out;
  auto listed = nlohmann::json::parse(Run({"events", "list", "--json", "--since", "1h", "--watcher", "pubmed-onc"}).second);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_DOUBLE_EQ(listed[0]["triage_score"].get<double>(), score_);
  EXPECT_EQ(listed[0]["triage_signal"], "high");
  EXPECT_EQ(listed[0]["detected_at"].get<std::string>().back(), 'Z') << "ISO 8601 UTC in --json";
  EXPECT_TRUE(nlohmann::json::parse(Run({"events", "list", "--json", "--since", "2100-01-01T00:00Z"}).second).empty());
  auto [shown_rc, shown] = Run({"events", "show", event_});
  ASSERT_EQ(shown_rc, 0) << shown;
  EXPECT_NE(shown.find("score 0.90"), std::string::npos) << shown;
  EXPECT_NE(shown.find("why         keyword"), std::string::npos) << shown;
  auto raw = nlohmann::json::parse(Run({"events", "show", event_, "--json"}).second);
  EXPECT_TRUE(raw.contains("raw_data"));
  EXPECT_EQ(raw["id"], event_);
}

TEST_F(SeeingWhyCli, EventsRefuseABadSinceAndAnUnknownId) {
  auto [rc, out] = Run({"events", "list", "--since", "last tuesday"});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("vigil: --since: \"last tuesday\" is neither a duration"), std::string::npos) << out;
  auto [missing_rc, missing] = Run({"events", "show", "00000000-0000-0000-0000-000000000000"});
  EXPECT_EQ(missing_rc, 1);
  EXPECT_NE(missing.find("vigil: no event 00000000-0000-0000-0000-000000000000"), std::string::npos) << missing;
}

TEST_F(SeeingWhyCli, ReplayUnderTheCurrentRulesChangesNothing) {
  auto [rc, out] = Run({"triage", "replay", "--json"});
  ASSERT_EQ(rc, 0) << out;
  auto r = nlohmann::json::parse(out);
  EXPECT_EQ(r["events_replayed"], 1);
  EXPECT_EQ(r["signals_changed"], 0);
  EXPECT_EQ(r["notifications_lost"], 0);
  EXPECT_TRUE(r["events"].empty());
}

TEST_F(SeeingWhyCli, ReplayOfProposedRulesSaysWhatWouldChangeAndStoresNothing) {
  std::string proposed = dir_.Write("proposed.yaml", "communities: [{name: oncology, rules: {keywords: {telomere: 0.2}}}]\n");
  std::vector<int64_t> before;
  for (const char* t : {"watcher_events", "notifications", "vigil_event_scores", "vigil_jobs", "vigil_triage_keys"}) before.push_back(Count(t));
  auto [rc, out] = Run({"triage", "replay", "--since", "7d", "--rules", proposed});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("replayed 1 events"), std::string::npos) << out;
  EXPECT_NE(out.find("1 signals would change, 0 notifications would be added, 1 would not be made"), std::string::npos) << out;
  EXPECT_NE(out.find("high → low"), std::string::npos) << out;
  EXPECT_NE(out.find("yes → no"), std::string::npos) << out;
  EXPECT_NE(out.find("keyword \"telomere\" in title +0.20"), std::string::npos) << out;
  auto json = nlohmann::json::parse(Run({"triage", "replay", "--rules", proposed, "--json", "--watcher", "pubmed-onc"}).second);
  ASSERT_EQ(json["events"].size(), 1u);
  EXPECT_EQ(json["events"][0]["event_id"], event_);
  EXPECT_EQ(json["events"][0]["before"]["notification_id"], notification_);
  EXPECT_EQ(json["events"][0]["after"]["notify"], false);
  std::vector<int64_t> after;
  for (const char* t : {"watcher_events", "notifications", "vigil_event_scores", "vigil_jobs", "vigil_triage_keys"}) after.push_back(Count(t));
  EXPECT_EQ(before, after) << "replay stores nothing";
  auto [bad_rc, bad] = Run({"triage", "replay", "--rules", dir_.File("missing.yaml")});
  EXPECT_EQ(bad_rc, 2);
  EXPECT_NE(bad.find("vigil: --rules: "), std::string::npos) << bad;
}

}  // namespace
}  // namespace vigil

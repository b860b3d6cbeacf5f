// The triage job on SQLite and PostgreSQL: signal and reasoning written, notifications and their
// delivery jobs, near-duplicates from another watcher collapsed, pruned items not announced again,
// the cooldown, auto-created threads above and below the approval rate, the notification lifecycle.
#include "jobs/triage/triage_job.h"

#include <gtest/gtest.h>

#include "jobs/deliver/deliver_job.h"
#include "jobs/triage/retention_job.h"
#include "store/notification_repo.h"
#include "store/triage_repo.h"
#include "tests/integration/triage_env.h"
#include "tests/integration/triage_job_fixture.h"
#include "tests/support/stand_in_server.h"

namespace vigil {
namespace {

using testing::TriageEnv;
using testing::TriageJobTest;
using testing::Yaml;

TEST_P(TriageJobTest, WritesSignalReasoningAndANotificationWithItsDeliveries) {
  auto settings = env_.Configure(Yaml());
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  auto out = Triage(settings, id);
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "high");
  EXPECT_EQ(env_.Text("SELECT triage_signal FROM watcher_events WHERE id = $1", {id}), "high");
  std::string reasoning = env_.Text("SELECT triage_reasoning FROM watcher_events WHERE id = $1", {id});
  EXPECT_NE(reasoning.find("keyword \"pancreatic cancer\" in title +0.50"), std::string::npos) << reasoning;
  auto n = GetNotification(env_.db(), out->notification_id);
  ASSERT_TRUE(n.ok() && *n);
  EXPECT_EQ((*n)->status, "pending");
  EXPECT_EQ((*n)->signal, "high");
  EXPECT_EQ((*n)->community_name, "oncology");
  EXPECT_EQ((*n)->suggested_hypothesis.find("Leucocyte telomere length"), 0u) << (*n)->suggested_hypothesis;
  EXPECT_NE((*n)->suggested_hypothesis.find("(high) may matter to Oncology"), std::string::npos);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver'"), 1) << "only the community's channel";
  auto args = nlohmann::json::parse(env_.Text("SELECT args FROM vigil_jobs WHERE kind = 'deliver'"));
  EXPECT_EQ(args["channel"], "hooks");
  EXPECT_EQ(args["notification_id"], out->notification_id);
}

TEST_P(TriageJobTest, NotificationSummaryIsCutBeforeACharacterItWouldSplit) {
  auto settings = env_.Configure(Yaml());
  Event event = TriageEnv::Pubmed("pubmed4.xml");
  event.summary = std::string(1999, 'x') + "\U0001F600 and more";  // the emoji spans bytes 2000-2003
  std::string id = env_.Store("pubmed-onc", "oncology", std::move(event));
  auto out = Triage(settings, id);
  ASSERT_TRUE(out.ok()) << out.error();
  auto n = GetNotification(env_.db(), out->notification_id);
  ASSERT_TRUE(n.ok() && *n);
  EXPECT_EQ((*n)->summary, std::string(1999, 'x')) << "the emoji is left out whole";
}

TEST_P(TriageJobTest, RunningTwiceChangesNothing) {
  auto settings = env_.Configure(Yaml());
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  ASSERT_TRUE(Triage(settings, id).ok());
  auto again = Triage(settings, id);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_triaged);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 1);
}

// Metadata nested past the limit (written by another program, or before the limit) is read as
// none: never recursed into (100,000 levels overflowed the stack), its strings not scored.
TEST_P(TriageJobTest, MetadataNestedPastTheLimitIsReadAsNone) {
  auto settings = env_.Configure(Yaml());
  std::string id = env_.Store("pubmed-onc", "oncology", {.title = "A note", .source_type = "pubmed", .source_id = "deep-1"});
  size_t levels = std::string(GetParam()) == "sqlite" ? 100000 : 1000;  // PostgreSQL's jsonb parser stops short of 100,000
  std::string deep = R"({"keywords": )" + std::string(levels, '[') + R"("pancreatic cancer")" + std::string(levels, ']') + "}";
  ASSERT_TRUE(env_.db().Query("UPDATE watcher_events SET source_metadata = $1 WHERE id = $2", {deep, id}).ok());
  auto out = Triage(settings, id);
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->signal, "low");
  std::string reasoning = env_.Text("SELECT triage_reasoning FROM watcher_events WHERE id = $1", {id});
  EXPECT_EQ(reasoning.find("pancreatic cancer"), std::string::npos) << reasoning;
}

TEST_P(TriageJobTest, LowSignalMakesNoNotification) {
  auto settings = env_.Configure(Yaml());
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed5.xml"));
  auto out = Triage(settings, id);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->signal, "low");
  EXPECT_TRUE(out->notification_id.empty());
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 0);
}

TEST_P(TriageJobTest, SamePaperFromAnotherWatcherCollapsesIntoOneNotification) {
  auto settings = env_.Configure(Yaml());
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string first = env_.Store("pubmed-onc", "oncology", paper);
  Event from_feed;  // as a journal's feed carries it: plain title, its own id, no PMID
  from_feed.title = "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer";
  from_feed.summary = paper.summary;
  from_feed.source_type = "feed";
  from_feed.source_id = "https://gut.bmj.com/content/66/6/1116";
  std::string second = env_.Store("journal-feed", "oncology", from_feed);
  ASSERT_TRUE(Triage(settings, first).ok());
  auto out = Triage(settings, second);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->notification_id.empty());
  EXPECT_NE(out->reasoning.find("near-duplicate of event " + first), std::string::npos) << out->reasoning;
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 1);
}

// Hundreds of earlier titles share a word with the new one ("release"), far more than are compared
// per word; the one it repeats is old among them, and is still found through its rarer words.
TEST_P(TriageJobTest, NearDuplicateTitleIsFoundAmongManyTitlesSharingACommonWord) {
  auto settings = env_.Configure(Yaml());
  std::string original = StoreTitled("Release notes: zanubrutinib dosing schedule revised", "r-original");
  ASSERT_TRUE(Triage(settings, original).ok());
  for (int i = 0; i < 200; ++i) {
    std::string id = StoreTitled("Release " + std::to_string(i) + " of the hospital bulletin", "r" + std::to_string(i));
    auto out = Triage(settings, id);
    ASSERT_TRUE(out.ok()) << out.error();
    ASSERT_EQ(out->reasoning.find("near-duplicate of event " + original), std::string::npos) << out->reasoning;
  }
  auto again = Triage(settings, StoreTitled("Release notes - Zanubrutinib dosing schedule revised!", "r-again"));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_NE(again->reasoning.find("near-duplicate of event " + original + ": title similarity 1.00"), std::string::npos) << again->reasoning;
}

TEST_P(TriageJobTest, PrunedItemSeenAgainIsNotAnnouncedAgain) {
  auto settings = env_.Configure(Yaml());
  std::string first = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  ASSERT_TRUE(Triage(settings, first).ok());
  ASSERT_TRUE(env_.db().Query("DELETE FROM notifications").ok());
  ASSERT_TRUE(env_.db().Query("DELETE FROM watcher_events").ok());  // as retention does, with the
  ASSERT_TRUE(env_.db().Query("DELETE FROM vigil_event_sources").ok());  // claims of what it deleted
  std::string again = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  auto out = Triage(settings, again);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->notification_id.empty()) << out->reasoning;
  EXPECT_NE(out->reasoning.find("near-duplicate of event " + first), std::string::npos) << out->reasoning;
}

TEST_P(TriageJobTest, CooldownHoldsBackTheNextPush) {
  auto settings = env_.Configure(Yaml("0.8", "1h"));
  std::string a = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  Event other = TriageEnv::Pubmed("pubmed4.xml");
  other.source_id = "other";
  other.title = "Pancreatic cancer and telomere attrition in a second cohort";
  other.source_metadata = nlohmann::json::object();
  std::string b = env_.Store("pubmed-onc", "oncology", other);
  auto first = Triage(settings, a);
  now_ += std::chrono::minutes(10);
  auto second = Triage(settings, b);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->pushed);
  EXPECT_FALSE(second->pushed);
  EXPECT_FALSE(second->notification_id.empty()) << "the notification exists; only its push is held back";
  EXPECT_NE(second->reasoning.find("cooldown: the community's last push was 600 s ago"), std::string::npos) << second->reasoning;
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver'"), 1);
}

TEST_P(TriageJobTest, ScoreAtOrAboveApprovalRateCreatesTheThreadAtOnce) {
  const std::string thread_id = "0190a5c4-6f1e-7cc2-9b1a-3d2f4e5a6b7c";
  StartStandIn([&](const HttpRequest& r, int) {
    if (r.path != "/api/threads") return testsupport::ScriptedAnswer{HttpResponse::Text(404, "")};
    return testsupport::ScriptedAnswer{HttpResponse::Json(201, nlohmann::json{{"id", thread_id}}.dump())};
  });
  auto settings = env_.Configure(Yaml("0.8", "0s", Url()));
  std::string id = env_.Store("auto", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  auto out = Triage(settings, id);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->thread_requested);
  auto args = nlohmann::json::parse(env_.Text("SELECT args FROM vigil_jobs WHERE kind = 'create_thread'"));
  auto http = testing::LoopbackClient();
  JobResult r = CreateThread(settings, *http, env_.db(), args, now_, nullptr);
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  auto n = GetNotification(env_.db(), out->notification_id);
  EXPECT_EQ((*n)->status, "acted");
  EXPECT_EQ((*n)->thread_id, env_.db().IdOf(thread_id)) << "stored in the database's id form";
  EXPECT_EQ((*n)->action_taken, "auto:0.85>=0.80");
  ASSERT_EQ(Arrivals().size(), 1u);
  EXPECT_EQ(*Arrivals()[0].Header("Authorization"), "Bearer t0ken");
  EXPECT_EQ(nlohmann::json::parse(Arrivals()[0].body)["subreddit"], "oncology");
}

TEST_P(TriageJobTest, ThreadAnswerWithANumericIdBesideTheUuidIsRecorded) {
  const std::string thread_id = "0190a5c4-6f1e-7cc2-9b1a-3d2f4e5a6b7c";
  StartStandIn([&](const HttpRequest&, int) {
    return testsupport::ScriptedAnswer{HttpResponse::Json(201, nlohmann::json{{"id", 42}, {"thread_id", thread_id}}.dump())};
  });
  auto settings = env_.Configure(Yaml("0.8", "0s", Url()));
  auto out = Triage(settings, env_.Store("auto", "oncology", TriageEnv::Pubmed("pubmed4.xml")));
  ASSERT_TRUE(out.ok() && out->thread_requested);
  auto args = nlohmann::json::parse(env_.Text("SELECT args FROM vigil_jobs WHERE kind = 'create_thread'"));
  JobResult r = CreateThread(settings, *testing::LoopbackClient(), env_.db(), args, now_, nullptr);
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ((*GetNotification(env_.db(), out->notification_id))->thread_id, env_.db().IdOf(thread_id)) << "stored in the database's id form";
}

TEST_P(TriageJobTest, ThreadAnswerWithOnlyANumericIdIsDiscardedNamingIt) {
  StartStandIn([](const HttpRequest&, int) { return testsupport::ScriptedAnswer{HttpResponse::Json(201, R"({"id": 42})")}; });
  auto settings = env_.Configure(Yaml("0.8", "0s", Url()));
  auto out = Triage(settings, env_.Store("auto", "oncology", TriageEnv::Pubmed("pubmed4.xml")));
  ASSERT_TRUE(out.ok() && out->thread_requested);
  auto args = nlohmann::json::parse(env_.Text("SELECT args FROM vigil_jobs WHERE kind = 'create_thread'"));
  JobResult r = CreateThread(settings, *testing::LoopbackClient(), env_.db(), args, now_, nullptr);
  EXPECT_EQ(r.kind, JobResult::Kind::kDiscard);
  EXPECT_NE(r.error.find("thread id 42, which is not a UUID"), std::string::npos) << r.error;
  EXPECT_EQ((*GetNotification(env_.db(), out->notification_id))->thread_id, "");
}

TEST_P(TriageJobTest, ScoreBelowApprovalRateLeavesTheNotificationPending) {
  auto settings = env_.Configure(Yaml("0.9"));
  std::string id = env_.Store("auto", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  auto out = Triage(settings, id);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->thread_requested);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'create_thread'"), 0);
  EXPECT_EQ((*GetNotification(env_.db(), out->notification_id))->status, "pending");
}

TEST_P(TriageJobTest, NotificationMovesThroughReadActedDismissed) {
  auto settings = env_.Configure(Yaml());
  auto out = Triage(settings, env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml")));
  ASSERT_TRUE(out.ok());
  const std::string& id = out->notification_id;
  ASSERT_TRUE(SetNotificationStatus(env_.db(), id, "read", "", now_).ok());
  EXPECT_EQ((*GetNotification(env_.db(), id))->status, "read");
  ASSERT_TRUE(SetNotificationStatus(env_.db(), id, "acted", "opened a thread by hand", now_).ok());
  auto n = *GetNotification(env_.db(), id);
  EXPECT_EQ(n->status, "acted");
  EXPECT_EQ(n->action_taken, "opened a thread by hand");
  EXPECT_FALSE(n->acted_at.empty());
  ASSERT_TRUE(SetNotificationStatus(env_.db(), id, "dismissed", "", now_).ok());
  auto listed = ListNotifications(env_.db(), {.status = "dismissed", .community = "oncology"});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, id);
  EXPECT_FALSE(SetNotificationStatus(env_.db(), id, "archived", "", now_).ok());
}

TEST_P(TriageJobTest, RetentionPrunesOldDataButKeepsDedupeKeys) {
  auto settings = env_.Configure(Yaml());
  auto out = Triage(settings, env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml")));
  ASSERT_TRUE(out.ok() && !out->notification_id.empty());
  RetentionSettings keep_all;
  auto none = PruneTriageData(env_.db(), keep_all, now_);
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_EQ(none->events_deleted + none->notifications_deleted + none->raw_data_cleared, 0);
  RetentionSettings short_raw = keep_all;
  short_raw.raw_data = std::chrono::hours(1);
  auto raw = PruneTriageData(env_.db(), short_raw, now_ + std::chrono::hours(2));
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->raw_data_cleared, 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM watcher_events WHERE raw_data IS NULL"), 1);
  auto all = PruneTriageData(env_.db(), keep_all, now_ + keep_all.events + std::chrono::hours(1));
  ASSERT_TRUE(all.ok()) << all.error();
  EXPECT_EQ(all->events_deleted, 1);
  EXPECT_EQ(all->notifications_deleted, 1);
  EXPECT_GT(env_.Count("SELECT COUNT(*) FROM vigil_triage_keys"), 0) << "dedupe keys survive pruning";
}

TEST_P(TriageJobTest, TitleWordsPastEveryNoveltyWindowArePruned) {
  auto settings = env_.Configure(Yaml());
  ASSERT_TRUE(Triage(settings, env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"))).ok());
  int64_t words = env_.Count("SELECT COUNT(*) FROM vigil_triage_title_tokens");
  ASSERT_GT(words, 3);
  auto kept = PruneTitleTokens(env_.db(), now_ - settings.LongestNoveltyWindow());
  ASSERT_TRUE(kept.ok()) << kept.error();
  EXPECT_EQ(*kept, 0);
  auto gone = PruneTitleTokens(env_.db(), now_ + std::chrono::seconds(1));
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, words);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_triage_title_tokens"), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, TriageJobTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

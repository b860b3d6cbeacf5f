// The triage job's batches of queued events on SQLite and PostgreSQL: each event decided with the
// batch's earlier ones in mind, and with the stored events read ahead for the whole batch.
#include <gtest/gtest.h>

#include <functional>

#include "store/change_feed_repo.h"
#include "store/event_score_repo.h"
#include "store/triage_repo.h"
#include "tests/integration/triage_job_fixture.h"
#include "tests/support/observed_connection.h"

namespace vigil {
namespace {

using testing::TriageEnv;
using testing::Yaml;

class TriageQueuedTest : public testing::TriageJobTest {
 protected:
  // Triages the queue through a connection that, once, just before a batch reads its page, lets
  // `meanwhile` act on another connection to the database (another run, another process).
  Result<TriageBatchOutcome> TriageQueuedWhile(const TriageSettings& settings, const std::function<void(SqlConnection&)>& meanwhile) {
    auto other = env_.Connect();
    EXPECT_TRUE(other);
    bool acted = false;
    testing::ObservedConnection racing(env_.db(), [&](std::string_view sql, const auto&) {
      if (acted || sql.find("FROM vigil_triage_pending ORDER BY seq") == std::string_view::npos) return;
      acted = true;
      meanwhile(*other);
    });
    FakeClock clock(now_);
    auto out = TriageQueued(settings, nullptr, racing, clock, nullptr, std::chrono::seconds(30));
    EXPECT_TRUE(acted);
    return out;
  }
};

// A batch of queued events is decided in order before any of it is written (its writes go a few
// statements for the lot): each event is still compared with the ones before it in the batch, the
// cooldown still runs from a push earlier in the batch, and an event queued twice is triaged once.
TEST_P(TriageQueuedTest, OneBatchDecidesEachEventWithTheOnesBeforeItInMind) {
  auto settings = env_.Configure(Yaml("0.8", "1h"));
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string first = env_.Store("pubmed-onc", "oncology", paper);
  std::string same_doi = env_.Store("journal-feed", "oncology", paper);  // the same paper, another watcher
  Event retitled;
  retitled.title = paper.title + "!";  // the same title, no shared key
  retitled.summary = paper.summary;
  retitled.source_type = "feed";
  retitled.source_id = "https://example.org/retitled";
  std::string same_title = env_.Store("journal-feed", "oncology", retitled);
  Event other = paper;
  other.source_id = "other";
  other.title = "Pancreatic cancer and telomere attrition in a second cohort";
  other.source_metadata = nlohmann::json::object();
  std::string cooled = env_.Store("pubmed-onc", "oncology", other);
  ASSERT_TRUE(QueueForTriageInTx(env_.db(), {first, same_doi, same_title, cooled, first}, now_).ok());
  auto before = LatestChangeSeq(env_.db());
  ASSERT_TRUE(before.ok());

  FakeClock clock(now_);
  auto out = TriageQueued(settings, nullptr, env_.db(), clock, nullptr, std::chrono::seconds(30));
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->triaged, 4);
  EXPECT_EQ(out->already, 1);  // `first`, queued twice
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_triage_pending"), 0);

  EXPECT_EQ(Reasoning(first).find("near-duplicate"), std::string::npos) << Reasoning(first);
  EXPECT_NE(Reasoning(same_doi).find("near-duplicate of event " + first + ": same doi"), std::string::npos) << Reasoning(same_doi);
  // The newest like title is named, as when each was stored before the next was triaged.
  EXPECT_NE(Reasoning(same_title).find("near-duplicate of event " + same_doi + ": title similarity"), std::string::npos)
      << Reasoning(same_title);
  EXPECT_NE(Reasoning(cooled).find("cooldown: the community's last push was 0 s ago"), std::string::npos) << Reasoning(cooled);
  // Notifications for the first and the cooled one (held back from its push); one push.
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 2);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver'"), 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_event_scores"), 4);
  auto dup = GetEventScore(env_.db(), same_title);
  ASSERT_TRUE(dup.ok() && *dup);
  EXPECT_EQ((*dup)->duplicate_of, same_doi);
  // Each key is held by the event that had it first; every event's title words are stored.
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_triage_keys WHERE dedupe_key LIKE 'doi:%' AND event_id = '" + first + "'"), 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(DISTINCT event_id) FROM vigil_triage_title_tokens"), 4);
  // Each triaged event's change recorded once, for the live stream.
  EXPECT_EQ(env_.Count("SELECT COUNT(DISTINCT ref) FROM vigil_changes WHERE topic = 'event' AND seq > " + std::to_string(*before)), 4);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_changes WHERE topic = 'event' AND seq > " + std::to_string(*before)), 4);
}

// What a batch's near-duplicate checks read of the stored events is read for the whole batch at
// once (the keys' holders, each probe word's first look): an event of a batch still finds the
// stored event it repeats, by key and by title, among hundreds of batch-mates and stored titles
// sharing a common word.
TEST_P(TriageQueuedTest, ABatchFindsTheStoredEventsItsEventsRepeat) {
  auto settings = env_.Configure(Yaml());
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string stored_paper = env_.Store("pubmed-onc", "oncology", paper);
  std::string original = StoreTitled("Release notes: zanubrutinib dosing schedule revised", "r-original");
  ASSERT_TRUE(Triage(settings, stored_paper).ok());
  ASSERT_TRUE(Triage(settings, original).ok());
  std::vector<std::string> queued;
  for (int i = 0; i < 150; ++i) {
    std::string id = StoreTitled("Release " + std::to_string(i) + " of the hospital bulletin", "r" + std::to_string(i));
    if (i < 100) ASSERT_TRUE(Triage(settings, id).ok());  // stored before the batch
    else queued.push_back(id);                             // in the batch, ahead of the repeats
  }
  std::string again = StoreTitled("Release notes - Zanubrutinib dosing schedule revised!", "r-again");
  std::string same_paper = env_.Store("journal-feed", "oncology", paper);
  queued.push_back(again);
  queued.push_back(same_paper);
  ASSERT_TRUE(QueueForTriageInTx(env_.db(), queued, now_).ok());
  FakeClock clock(now_);
  auto out = TriageQueued(settings, nullptr, env_.db(), clock, nullptr, std::chrono::seconds(60));
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->triaged, static_cast<int64_t>(queued.size()));
  EXPECT_NE(Reasoning(again).find("near-duplicate of event " + original + ": title similarity 1.00"), std::string::npos) << Reasoning(again);
  EXPECT_NE(Reasoning(same_paper).find("near-duplicate of event " + stored_paper + ": same"), std::string::npos) << Reasoning(same_paper);
  for (size_t i = 0; i + 2 < queued.size(); ++i)
    ASSERT_EQ(Reasoning(queued[i]).find("near-duplicate of event " + original), std::string::npos) << Reasoning(queued[i]);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 1);  // the stored paper's only
}

// On SQLite a batch decides its events in a read transaction, outside the write turn, and stores
// them only if no other triage stored anything meanwhile. Here another connection triages, between
// the batch's read of the epoch and of its page, the paper the batch's event repeats: the batch's
// decision (novel) is stale and it decides again in its write turn (a near-duplicate).
TEST_P(TriageQueuedTest, ADecisionMadeBeforeAnotherTriageStoredIsMadeAgain) {
  if (env_.db().dialect() != "sqlite") GTEST_SKIP() << "PostgreSQL's batches decide on the rows they lock";
  auto settings = env_.Configure(Yaml());
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string stored_paper = env_.Store("pubmed-onc", "oncology", paper);
  std::string same_paper = env_.Store("journal-feed", "oncology", paper);
  ASSERT_TRUE(QueueForTriageInTx(env_.db(), {same_paper}, now_).ok());
  auto out = TriageQueuedWhile(settings, [&](SqlConnection& other) {
    auto t = TriageEvent(settings, nullptr, other, stored_paper, now_, nullptr);
    ASSERT_TRUE(t.ok()) << t.error();
  });
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->triaged, 1);
  EXPECT_NE(Reasoning(same_paper).find("near-duplicate of event " + stored_paper + ": same"), std::string::npos) << Reasoning(same_paper);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 1) << "the stored paper's only";
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_triage_pending"), 0);
}

// Two runs on one page (the daemon's and a `vigil` command's on the same file, say): the one that
// decided first but stores second finds the page gone and triages nothing again.
TEST_P(TriageQueuedTest, APageAnotherRunTriagedMeanwhileIsNotTriagedTwice) {
  auto settings = env_.Configure(Yaml());
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string id = env_.Store("pubmed-onc", "oncology", paper);
  ASSERT_TRUE(QueueForTriageInTx(env_.db(), {id}, now_).ok());
  // Before the page is read: the other run's batch takes the page and triages its event.
  auto out = TriageQueuedWhile(settings, [&](SqlConnection& other) {
    Status s = InTransaction(other, true, [&]() -> Status {
      auto page = TakePendingTriageInTx(other, kTriageBatch);
      if (!page.ok()) return page.status();
      EXPECT_EQ(page->size(), 1u);
      std::vector<int64_t> seqs;
      for (const auto& p : *page) seqs.push_back(p.seq);
      return DeletePendingTriageInTx(other, seqs).status();
    });
    ASSERT_TRUE(s.ok()) << s.message();
    auto t = TriageEvent(settings, nullptr, other, id, now_, nullptr);
    ASSERT_TRUE(t.ok()) << t.error();
  });
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->triaged, 0);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM notifications"), 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_event_scores"), 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_triage_pending"), 0);
}

// One batch at a time in the process, on both databases (jobs/triage/triage_job.cpp): a second
// run that finds a batch under way ends at once, triaging nothing, and the run with the batch
// reads the queue again after it, so an event queued meanwhile is triaged by it, and once.
TEST_P(TriageQueuedTest, ARunFindingABatchUnderWayLeavesTheQueueToIt) {
  auto settings = env_.Configure(Yaml());
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    Event e = paper;
    e.source_id = "paper-" + std::to_string(i);
    e.title = "Cohort " + std::to_string(i) + ": " + std::string(i % 2 ? "telomere attrition" : "pancreatic markers");
    e.source_metadata = nlohmann::json::object();
    ids.push_back(env_.Store("pubmed-onc", "oncology", e));
  }
  ASSERT_TRUE(QueueForTriageInTx(env_.db(), {ids[0], ids[1], ids[2]}, now_).ok());
  Result<TriageBatchOutcome> second = Status::Error("not run");
  auto first = TriageQueuedWhile(settings, [&](SqlConnection& other) {
    ASSERT_TRUE(QueueForTriageInTx(other, {ids[3]}, now_).ok());
    FakeClock clock(now_);
    second = TriageQueued(settings, nullptr, other, clock, nullptr, std::chrono::seconds(30));
  });
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->triaged, 0);
  EXPECT_FALSE(second->more);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->triaged, 4);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_triage_pending"), 0);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_event_scores"), 4);
  for (const auto& id : ids) EXPECT_FALSE(Reasoning(id).empty()) << id;
}

INSTANTIATE_TEST_SUITE_P(Dialects, TriageQueuedTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

// Seeing why, in the store, on SQLite and PostgreSQL: triage keeps each event's score in
// vigil_event_scores (the platform's watcher_events gets no column), with the near-duplicate it
// found and whose verdict stood; the notification and event lists read it back; retention takes
// it with its event; replay reads the stored events with their scores and notifications.
#include <gtest/gtest.h>

#include "jobs/triage/retention_job.h"
#include "jobs/triage/triage_job.h"
#include "jobs/triage/triage_replay.h"
#include "store/event_score_repo.h"
#include "store/notification_repo.h"
#include "tests/integration/triage_env.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::TriageEnv;

constexpr const char* kYaml = R"(
watchers:
  - {name: pubmed-onc, type: literature, source: pubmed, query: pancreatic cancer, community: oncology}
  - {name: journal-feed, type: literature, source: feed, url: "https://example.org/feed.xml", community: oncology}
communities:
  - name: oncology
    rules:
      keywords: {pancreatic cancer: 0.5, telomere: 0.2}
      notify_at: medium
)";

class EventScoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { settings_ = env_.Configure(kYaml); }
  TriageOutcome Triage(const std::string& id) {
    auto out = TriageEvent(settings_, nullptr, env_.db(), id, now_, nullptr);
    EXPECT_TRUE(out.ok()) << out.error();
    return out.ok() ? *out : TriageOutcome{};
  }
  // A copy of the paper as a journal's feed carries it (another watcher, its own id).
  Event FromFeed(const Event& paper) {
    return {.title = paper.title, .summary = paper.summary, .source_type = "feed", .source_id = "https://gut.bmj.com/content/66/6/1116"};
  }

  TriageEnv env_{GetParam()};
  TriageSettings settings_;
  TimePoint now_ = std::chrono::system_clock::now();
};

TEST_P(EventScoreTest, TriageKeepsTheScoreInItsOwnTableNotInThePlatformsEvents) {
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  TriageOutcome out = Triage(id);
  ASSERT_FALSE(out.notification_id.empty());
  auto score = GetEventScore(env_.db(), id);
  ASSERT_TRUE(score.ok() && *score) << (score.ok() ? "no score row" : score.error());
  EXPECT_DOUBLE_EQ((*score)->score, out.score);
  EXPECT_GT((*score)->score, 0.6);
  EXPECT_EQ((*score)->duplicate_of, "");
  EXPECT_EQ((*score)->scored_by, "rules");
  std::string columns = std::string(GetParam()) == "sqlite"
                            ? "SELECT COUNT(*) FROM pragma_table_info('watcher_events') WHERE name LIKE '%score%'"
                            : "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'watcher_events' AND column_name LIKE '%score%'";
  EXPECT_EQ(env_.Count(columns), 0) << "platform tables get no new columns";
}

TEST_P(EventScoreTest, TheNotificationAndEventListsShowTheScore) {
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  TriageOutcome out = Triage(id);
  auto n = GetNotification(env_.db(), out.notification_id);
  ASSERT_TRUE(n.ok() && *n);
  ASSERT_TRUE((*n)->triage_score.has_value());
  EXPECT_DOUBLE_EQ(*(*n)->triage_score, out.score);
  EXPECT_DOUBLE_EQ(NotificationToJson(**n)["triage_score"].get<double>(), out.score);
  auto listed = ListNotifications(env_.db(), {});
  ASSERT_TRUE(listed.ok() && listed->size() == 1);
  EXPECT_TRUE(listed->at(0).triage_score.has_value());
  auto events = ListEvents(env_.db(), {.id = id});
  ASSERT_TRUE(events.ok() && events->size() == 1) << (events.ok() ? "" : events.error());
  EXPECT_DOUBLE_EQ(events->at(0)["triage_score"].get<double>(), out.score);
}

TEST_P(EventScoreTest, AnEventNotTriagedYetHasNoScore) {
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed4.xml"));
  auto score = GetEventScore(env_.db(), id);
  ASSERT_TRUE(score.ok());
  EXPECT_FALSE(score->has_value());
  auto events = ListEvents(env_.db(), {.id = id});
  ASSERT_TRUE(events.ok() && events->size() == 1);
  EXPECT_TRUE(events->at(0)["triage_score"].is_null());
}

TEST_P(EventScoreTest, ANearDuplicateKeepsWhichEventItDuplicates) {
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string first = env_.Store("pubmed-onc", "oncology", paper);
  std::string second = env_.Store("journal-feed", "oncology", FromFeed(paper));
  Triage(first);
  Triage(second);
  auto score = GetEventScore(env_.db(), second);
  ASSERT_TRUE(score.ok() && *score);
  EXPECT_EQ((*score)->duplicate_of, first);
}

TEST_P(EventScoreTest, RetentionTakesTheScoresWithTheirEvents) {
  std::string id = env_.Store("pubmed-onc", "oncology", TriageEnv::Pubmed("pubmed5.xml"));
  Triage(id);
  ASSERT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_event_scores"), 1);
  RetentionSettings retention;
  auto report = PruneTriageData(env_.db(), retention, now_ + retention.events + 1h);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->events_deleted, 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_event_scores"), 0);
}

TEST_P(EventScoreTest, ReplayReadsStoredEventsWithScoresAndNotifications) {
  Event paper = TriageEnv::Pubmed("pubmed4.xml");
  std::string first = env_.Store("pubmed-onc", "oncology", paper);
  std::string second = env_.Store("journal-feed", "oncology", FromFeed(paper));
  TriageOutcome notified = Triage(first);
  Triage(second);
  auto stored = StoredTriageSince(env_.db(), {.since = now_ - 1h});
  ASSERT_TRUE(stored.ok()) << stored.error();
  ASSERT_EQ(stored->size(), 2u);
  const StoredTriage& a = stored->at(0).event_id == first ? stored->at(0) : stored->at(1);
  const StoredTriage& b = stored->at(0).event_id == first ? stored->at(1) : stored->at(0);
  EXPECT_EQ(a.notification_id, notified.notification_id);
  EXPECT_EQ(a.community_name, "oncology");
  EXPECT_EQ(a.watcher_name, "pubmed-onc");
  ASSERT_TRUE(a.score.has_value());
  EXPECT_EQ(b.notification_id, "");
  ASSERT_TRUE(b.score.has_value());
  EXPECT_EQ(b.score->duplicate_of, first);
  auto only_feed = StoredTriageSince(env_.db(), {.since = now_ - 1h, .watcher = "journal-feed"});
  ASSERT_TRUE(only_feed.ok());
  ASSERT_EQ(only_feed->size(), 1u);
  EXPECT_EQ(only_feed->at(0).event_id, second);
  // Without the keywords, the notified paper would not notify; its near-duplicate stays silent.
  auto quiet = settings_;
  quiet.communities[0].rules.keywords.clear();
  ReplayedEvent r = ReplayEvent(settings_, quiet, a, now_);
  EXPECT_TRUE(r.SignalChanged());
  EXPECT_TRUE(r.NotificationChanged());
  EXPECT_FALSE(r.would_notify);
  EXPECT_FALSE(ReplayEvent(settings_, settings_, b, now_).would_notify);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EventScoreTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

// The digest job on SQLite and PostgreSQL: waiting items claimed into exactly one digest, strongest
// first; nothing waiting sends nothing; a re-run of the same job after a crash neither duplicates
// nor loses; a transaction cut off before its commit loses nothing; concurrent runs never share an
// item; notifications in a digest stay pending; the schedule fires one digest job across daemons.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/iso8601.h"
#include "common/uuid.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"
#include "store/digest_repo.h"
#include "store/notification_repo.h"
#include "store/triage_repo.h"
#include "tests/integration/digest_fixture.h"

namespace vigil {
namespace {

using testing::DigestFixture;
using testing::TriageEnv;

constexpr const char* kChannels =
    "[{name: hook, type: webhook, url: \"http://127.0.0.1:9/hook\", secret: s}, {name: team, type: slack, url: "
    "\"http://127.0.0.1:9/slack\"}, {name: platform, type: platform}]";

int SignalRank(const std::string& s) { return s == "high" ? 0 : s == "medium" ? 1 : 2; }

class DigestJobTest : public DigestFixture {
 protected:
  // A high-signal paper pushed, then another within the cooldown: its notification is held back.
  TriageOutcome HeldBack() {
    Triage(TriageEnv::Pubmed("pubmed4.xml"));
    Event again = TriageEnv::Pubmed("pubmed4.xml");
    again.source_id = "second-cohort";
    again.title = "Pancreatic cancer and telomere attrition in a second cohort";
    again.source_metadata = nlohmann::json::object();
    return Triage(again);
  }
};

TEST_P(DigestJobTest, ClaimsEveryWaitingItemOnceStrongestFirst) {
  Configure(kChannels);
  int waiting = TriageFixtures();
  ASSERT_GE(waiting, 3);
  auto first = Digest(1);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->items, static_cast<size_t>(waiting));
  EXPECT_EQ(Waiting(), 0);
  auto d = GetDigest(env_.db(), first->digest_id);
  ASSERT_TRUE(d.ok() && *d);
  EXPECT_EQ((*d)->community_name, "oncology");
  EXPECT_EQ((*d)->items.front().title.find("Occupational pesticide exposure"), 0u) << "the one medium item leads";
  for (size_t i = 1; i < (*d)->items.size(); ++i) {
    const auto& a = (*d)->items[i - 1];
    const auto& b = (*d)->items[i];
    EXPECT_LE(SignalRank(a.signal), SignalRank(b.signal));
    if (a.signal == b.signal) {
      EXPECT_GE(a.score.value_or(0), b.score.value_or(0)) << a.title << " / " << b.title;
    }
    EXPECT_EQ(b.source_type, "pubmed");
    EXPECT_EQ(b.watcher, "pubmed-onc");
    EXPECT_EQ(b.source_url.find("https://pubmed.ncbi.nlm.nih.gov/"), 0u) << b.source_url;
  }
  auto second = Digest(2);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->digest_id.empty()) << "everything was claimed by the first";
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_digests"), 1);
}

TEST_P(DigestJobTest, NothingWaitingSendsNothing) {
  Configure(kChannels);
  auto out = Digest(1);
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_TRUE(out->digest_id.empty());
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_digests"), 0);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver' AND args LIKE '%digest_id%'"), 0);
}

TEST_P(DigestJobTest, EnqueuesOneDeliveryPerChannelInTheSameCommit) {
  Configure(kChannels);
  TriageFixtures();
  auto out = Digest(1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->deliveries, 2u) << "webhook and slack; the platform has no digests_path";
  auto jobs = env_.db().Query("SELECT args FROM vigil_jobs WHERE kind = 'deliver' AND args LIKE '%digest_id%' ORDER BY id");
  ASSERT_TRUE(jobs.ok());
  std::set<std::string> channels;
  for (const auto& row : jobs->rows) {
    auto args = nlohmann::json::parse(row.Text(0));
    EXPECT_EQ(args["digest_id"], out->digest_id);
    channels.insert(args["channel"].get<std::string>());
  }
  EXPECT_EQ(channels, (std::set<std::string>{"hook", "team"}));
}

TEST_P(DigestJobTest, RerunOfTheSameJobAfterACrashNeitherDuplicatesNorLoses) {
  Configure(kChannels);
  int waiting = TriageFixtures();
  auto first = Digest(7);
  ASSERT_TRUE(first.ok());
  // The daemon dies after the digest's commit, before the job's outcome is recorded; meanwhile
  // another item arrives. The engine runs job 7 again.
  Event later = TriageEnv::Pubmed("pubmed5.xml");
  later.source_id = "later";
  later.title = "Pesticide applicators and thyroid function: a follow-up";
  later.source_metadata = nlohmann::json::object();  // no PMID: not a near-duplicate
  Triage(later);
  auto rerun = Digest(7);
  ASSERT_TRUE(rerun.ok()) << rerun.error();
  EXPECT_TRUE(rerun->already_made);
  EXPECT_EQ(rerun->digest_id, first->digest_id);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_digests"), 1);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver' AND args LIKE '%digest_id%'"), 2)
      << "no second set of deliveries";
  EXPECT_EQ(Waiting(), 1) << "the new item waits for the next digest";
  auto next = Digest(8);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->items, 1u);
  EXPECT_EQ(env_.Count("SELECT COUNT(*) FROM vigil_digest_items WHERE digest_id IS NOT NULL"), waiting + 1);
}

TEST_P(DigestJobTest, ClaimCutOffBeforeItsCommitLosesNothing) {
  Configure(kChannels);
  int waiting = TriageFixtures();
  {
    auto dying = env_.Connect();  // a worker whose daemon is killed mid-transaction
    ASSERT_TRUE(dying->Begin(true).ok());
    auto claimed = ClaimOpenItemsInTx(*dying, env_.Text("SELECT id FROM subreddits WHERE name = 'oncology'"), "lost-digest");
    ASSERT_TRUE(claimed.ok());
    EXPECT_EQ(*claimed, waiting);
  }  // the connection closes without a commit
  EXPECT_EQ(Waiting(), waiting);
  auto out = Digest(1);
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->items, static_cast<size_t>(waiting));
}

TEST_P(DigestJobTest, ConcurrentRunsNeverShareAnItem) {
  Configure(kChannels);
  std::string community = env_.Text("SELECT id FROM subreddits WHERE name = 'oncology'");
  constexpr int kItems = 300;
  auto add = [&](int from, int to) {
    ASSERT_TRUE(InTransaction(env_.db(), true, [&]() -> Status {
      for (int i = from; i < to; ++i) {  // events pruned since: the digest lists them untitled
        Status s = AddDigestItemInTx(env_.db(), community, NewUuid(), "", 0.1, now_);
        if (!s.ok()) return s;
      }
      return Status::Ok();
    }).ok());
  };
  add(0, kItems / 2);
  auto run = [&](int64_t first_job) {
    auto db = env_.Connect();
    for (int64_t job = first_job; job < first_job + 20; ++job) {
      auto out = MakeDigest(settings_, *db, "oncology", job, now_);
      ASSERT_TRUE(out.ok()) << out.error();
    }
  };
  std::thread a(run, 100), b(run, 200);
  add(kItems / 2, kItems);  // items keep arriving while both claim
  a.join();
  b.join();
  ASSERT_TRUE(MakeDigest(settings_, env_.db(), "oncology", 1, now_).ok());
  auto digests = ListDigests(env_.db(), "oncology", 1000);
  ASSERT_TRUE(digests.ok());
  std::multiset<std::string> sent;
  for (const auto& d : *digests) {
    for (const auto& item : d.items) sent.insert(item.event_id);
  }
  EXPECT_EQ(sent.size(), static_cast<size_t>(kItems));
  EXPECT_EQ(std::set<std::string>(sent.begin(), sent.end()).size(), static_cast<size_t>(kItems)) << "no item in two digests";
  EXPECT_EQ(Waiting(), 0);
}

TEST_P(DigestJobTest, HeldBackNotificationStaysPendingAndRecordsItsDigest) {
  Configure(kChannels, "1h");
  TriageOutcome held = HeldBack();
  ASSERT_FALSE(held.pushed);
  ASSERT_FALSE(held.notification_id.empty());
  auto out = Digest(1);
  ASSERT_TRUE(out.ok());
  auto d = GetDigest(env_.db(), out->digest_id);
  ASSERT_TRUE(d.ok() && *d);
  ASSERT_EQ((*d)->items.size(), 1u);
  EXPECT_EQ((*d)->items[0].notification_id, held.notification_id);
  EXPECT_EQ((*d)->items[0].signal, "high");
  EXPECT_EQ(env_.Text("SELECT digest_id FROM vigil_digest_items WHERE notification_id = $1", {held.notification_id}), out->digest_id);
  auto n = GetNotification(env_.db(), held.notification_id);
  ASSERT_TRUE(n.ok() && *n);
  EXPECT_EQ((*n)->status, "pending") << "a digest tells people; they still read and act";
}

TEST_P(DigestJobTest, DismissedNotificationIsLeftOut) {
  Configure(kChannels, "1h");
  TriageOutcome held = HeldBack();
  ASSERT_TRUE(SetNotificationStatus(env_.db(), held.notification_id, "dismissed", "", now_).ok());
  auto out = Digest(1);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->digest_id.empty());
  EXPECT_EQ(Waiting(), 0);
}

TEST_P(DigestJobTest, ScheduleFiresOneDigestJobAcrossTwoDaemons) {
  Configure(kChannels);
  auto config = ParseConfig(testing::DigestYaml(kChannels), "vigil.yaml");
  ASSERT_TRUE(config.ok());
  auto specs = SchedulesFrom(**config);
  ASSERT_TRUE(specs.ok()) << specs.error();
  Scheduler one(*specs), two(*specs);
  auto other = env_.Connect();
  auto before = ParseIso8601("2026-06-01T06:59:00+02:00");  // Berlin summer time
  auto after = ParseIso8601("2026-06-01T07:00:01+02:00");
  ASSERT_TRUE(one.Tick(env_.db(), *before).ok());
  ASSERT_TRUE(two.Tick(*other, *before).ok());
  ASSERT_TRUE(one.Tick(env_.db(), *after).ok());
  ASSERT_TRUE(two.Tick(*other, *after).ok());
  auto jobs = env_.db().Query("SELECT args FROM vigil_jobs WHERE kind = 'digest'");
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->rows.size(), 1u);
  auto args = nlohmann::json::parse(jobs->rows[0].Text(0));
  EXPECT_EQ(args["community"], "oncology");
  EXPECT_EQ(args["fire_at"], "2026-06-01T07:00:00+02:00");
}

INSTANTIATE_TEST_SUITE_P(Dialects, DigestJobTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

// Triage retention on SQLite and PostgreSQL keeps what a person acted on (issue #17): however old,
// a notification with status `acted` or a `thread_id` stays, and so does the event it points to
// (on PostgreSQL its foreign key would refuse the event's deletion anyway); everything else of
// that age goes.
#include <gtest/gtest.h>

#include <algorithm>

#include "jobs/triage/retention_job.h"
#include "store/notification_repo.h"
#include "tests/integration/triage_env.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::TriageEnv;

class RetentionTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { env_.Configure("watchers: [{name: pubmed-onc, type: literature, source: pubmed, query: cancer, community: oncology}]\n"); }

  // A stored event (a copy of a real PubMed record under its own source id) and, unless
  // `status` is empty, a notification for it in that status; the notification's id, or the event's.
  std::string Add(const std::string& source_id, const std::string& status) {
    Event e = TriageEnv::Pubmed("pubmed4.xml");
    e.source_id = source_id;
    std::string event_id = env_.Store("pubmed-onc", "oncology", e);
    if (status.empty()) return event_id;
    auto watcher_id = WatcherIdByName(env_.db(), "pubmed-onc");
    auto id = InsertNotificationInTx(env_.db(), {**watcher_id, event_id, "", e.title, "", "high", ""}, now_);
    EXPECT_TRUE(id.ok()) << id.error();
    if (status != "pending") {
      EXPECT_TRUE(SetNotificationStatus(env_.db(), *id, status, "", now_).ok());
    }
    return *id;
  }

  // The first column of `sql`'s rows.
  std::vector<std::string> Column(const std::string& sql) {
    auto r = env_.db().Query(sql);
    EXPECT_TRUE(r.ok()) << r.error();
    std::vector<std::string> out;
    for (const auto& row : r->rows) out.push_back(row.Text(0));
    return out;
  }
  // The source ids of the events still stored, and the ids of the notifications, sorted.
  std::vector<std::string> Events() { return Column("SELECT source_id FROM watcher_events ORDER BY source_id"); }
  std::vector<std::string> Notifications() { return Column("SELECT id FROM notifications ORDER BY id"); }

  TriageEnv env_{GetParam()};
  TimePoint now_ = std::chrono::system_clock::now();
  RetentionSettings retention_;  // the defaults: events 180d, notifications 90d, raw_data 30d
};

using Ids = std::vector<std::string>;

Ids Sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_P(RetentionTest, PastEveryLimitItKeepsActedAndThreadedNotificationsWithTheirEvents) {
  std::string acted = Add("acted", "acted");
  std::string threaded = Add("threaded", "pending");
  auto recorded = RecordThread(env_.db(), threaded, "0190a5c4-6f1e-7cc2-9b1a-3d2f4e5a6b7c", "opened", now_);
  ASSERT_TRUE(recorded.ok() && *recorded);
  ASSERT_TRUE(SetNotificationStatus(env_.db(), threaded, "read", "", now_).ok()) << "kept for its thread, whatever its status";
  Add("dismissed", "dismissed");
  Add("pending", "pending");
  Add("read", "read");
  Add("no-notification", "");
  auto report = PruneTriageData(env_.db(), retention_, now_ + retention_.events + 1h);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->notifications_deleted, 3);
  EXPECT_EQ(report->events_deleted, 4);
  EXPECT_EQ(Notifications(), Sorted({acted, threaded}));
  EXPECT_EQ(Events(), (Ids{"acted", "threaded"}));
  auto years_later = PruneTriageData(env_.db(), retention_, now_ + 10 * 365 * 24h);
  ASSERT_TRUE(years_later.ok()) << years_later.error();
  EXPECT_EQ(years_later->notifications_deleted + years_later->events_deleted, 0) << "kept for good";
  EXPECT_EQ(Notifications(), Sorted({acted, threaded}));
}

TEST_P(RetentionTest, PastTheNotificationLimitOnlyItKeepsActedNotifications) {
  std::string acted = Add("acted", "acted");
  Add("pending", "pending");
  auto report = PruneTriageData(env_.db(), retention_, now_ + retention_.notifications + 1h);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->notifications_deleted, 1);
  EXPECT_EQ(report->events_deleted, 0) << "events are younger than their limit";
  EXPECT_EQ(Notifications(), (Ids{acted}));
  EXPECT_EQ(Events(), (Ids{"acted", "pending"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, RetentionTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

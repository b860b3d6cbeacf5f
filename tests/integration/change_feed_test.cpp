// The change feed (store/change_feed_repo.h, migration 0017) against real databases: what records
// a change (a new event, a job's state, a notification written or moved) and what does not (a
// duplicate event, a lease extended), in order after a cursor, each rendered as the API shows it.
#include <gtest/gtest.h>

#include "store/change_feed_repo.h"
#include "store/event_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class ChangeFeedTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "gh", .type = "webhook"}});
    ASSERT_TRUE(conn_);
    auto id = WatcherIdByName(*conn_, "gh");
    ASSERT_TRUE(id.ok() && *id);
    watcher_id_ = **id;
  }
  int64_t Latest() {
    auto r = LatestChangeSeq(*conn_);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : -1;
  }
  std::vector<Change> After(int64_t seq) {
    auto r = ReadChanges(*conn_, seq, 100);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : std::vector<Change>{};
  }
  nlohmann::json Item(const Change& c) {
    auto r = ChangedItem(*conn_, c);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() && *r ? **r : nlohmann::json(nullptr);
  }
  std::string InsertEvent(const std::string& source_id, bool* inserted = nullptr) {
    EventInsert e{watcher_id_, "", {.title = "title " + source_id, .source_type = "webhook", .source_id = source_id}, {}, false};
    auto r = InsertEvents(*conn_, {e}, std::chrono::system_clock::now());
    EXPECT_TRUE(r.ok()) << r.error();
    if (inserted != nullptr) *inserted = r.ok() && (*r)[0].inserted;
    return r.ok() ? (*r)[0].id : "";
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  std::string watcher_id_;
};

TEST_P(ChangeFeedTest, ANewEventIsOneChangeAndADuplicateNone) {
  int64_t start = Latest();
  std::string id = InsertEvent("push-1");
  auto changes = After(start);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].topic, "event");
  auto item = Item(changes[0]);
  EXPECT_EQ(item["title"], "title push-1");
  EXPECT_EQ(item["watcher"], "gh");
  bool inserted = true;
  InsertEvent("push-1", &inserted);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(After(start).size(), 1u) << "a duplicate changes nothing";
}

TEST_P(ChangeFeedTest, JobStateChangesAreRecordedAndLeaseExtensionsAreNot) {
  int64_t start = Latest();
  auto now = std::chrono::system_clock::now();
  auto enq = EnqueueJobs(*conn_, {{.kind = "noop", .args = nlohmann::json::object()}}, now);
  ASSERT_TRUE(enq.ok()) << enq.error();
  auto claimed = ClaimJobs(*conn_, "default", 1, "w1", now, 30s);
  ASSERT_TRUE(claimed.ok()) << claimed.error();
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(ExtendLeases(*conn_, {(*claimed)[0].id}, "w1", now + 60s).ok());
  auto changes = After(start);
  ASSERT_EQ(changes.size(), 2u) << "enqueued, then running; the lease extension is no state change";
  EXPECT_EQ(changes[0].topic, "job");
  EXPECT_EQ(changes[0].ref, std::to_string((*claimed)[0].id));
  EXPECT_LT(changes[0].seq, changes[1].seq);
  auto item = Item(changes[1]);
  EXPECT_EQ(item, (nlohmann::json{{"id", (*claimed)[0].id}, {"kind", "noop"}, {"queue", "default"}, {"state", "running"},
                                  {"attempt", 1}, {"max_attempts", 20}, {"last_error", nullptr}}));
}

TEST_P(ChangeFeedTest, NotificationsAreRecordedWhenWrittenAndWhenTheirStatusMoves) {
  std::string event = InsertEvent("n-1");
  int64_t start = Latest();
  auto id = InsertNotificationInTx(*conn_, {watcher_id_, event, "", "Big news", "", "high", ""}, std::chrono::system_clock::now());
  ASSERT_TRUE(id.ok()) << id.error();
  ASSERT_TRUE(SetNotificationStatus(*conn_, *id, "dismissed", "", std::chrono::system_clock::now()).ok());
  auto changes = After(start);
  ASSERT_EQ(changes.size(), 2u);
  for (const auto& c : changes) EXPECT_EQ(c.topic, "notification");
  auto item = Item(changes[1]);
  EXPECT_EQ(item["title"], "Big news");
  EXPECT_EQ(item["status"], "dismissed");
  EXPECT_FALSE(SetNotificationStatus(*conn_, "00000000-0000-0000-0000-000000000000", "read", "", std::chrono::system_clock::now()).ok());
  EXPECT_EQ(After(start).size(), 2u) << "no change for a notification that is not there";
}

TEST_P(ChangeFeedTest, ReadsOnlyWhatFollowsTheCursorAndPrunesOldChanges) {
  InsertEvent("a");
  int64_t middle = Latest();
  InsertEvent("b");
  InsertEvent("c");
  auto changes = After(middle);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(Item(changes[0])["title"], "title b");
  EXPECT_EQ(Item(changes[1])["title"], "title c");
  EXPECT_EQ(Item({0, "job", "not-a-number"}), nullptr);
  EXPECT_EQ(Item({0, "job", "999999"}), nullptr) << "a job that is gone renders as nothing";
  auto pruned = PruneChanges(*conn_, std::chrono::system_clock::now() + 1s);
  ASSERT_TRUE(pruned.ok()) << pruned.error();
  EXPECT_GE(*pruned, 3);
  EXPECT_TRUE(After(0).empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, ChangeFeedTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

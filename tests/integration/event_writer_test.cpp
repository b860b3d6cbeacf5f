// The webhook event writer on both dialects: grouped commits, duplicates, an unreachable database
// answered as unavailable, and a bounded queue.
#include "daemon/http/event_writer.h"
#include "jobs/triage/triage_job.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <set>

#include "store/watcher_repo.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

Event MakeEvent(const std::string& source_id) {
  Event e;
  e.title = "t " + source_id;
  e.source_type = "webhook";
  e.source_id = source_id;
  e.raw_data = {{"id", source_id}};
  return e;
}

// Collects results from the writer thread.
struct Results {
  std::mutex mu;
  std::map<std::string, EventWriteResult> by_source;
  std::function<void(const EventWriteResult&)> For(const std::string& source_id) {
    return [this, source_id](const EventWriteResult& r) {
      std::lock_guard<std::mutex> lock(mu);
      by_source[source_id] = r;
    };
  }
  bool WaitFor(size_t n) {
    return testing::WaitFor([&] {
      std::lock_guard<std::mutex> lock(mu);
      return by_source.size() >= n;
    }, 10s);
  }
};

class EventWriterTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "gh", .type = "webhook", .community = "onc"}});
    ASSERT_TRUE(conn_);
  }
  EventWriterOptions Options() {
    EventWriterOptions o;
    o.database.url = db_.url();
    o.database.busy_timeout_ms = 200;
    return o;
  }
  int64_t Count(const std::string& sql) { return conn_->Query(sql)->rows[0].Int(0); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
};

TEST_P(EventWriterTest, StoresEventsQueuedForTriageAndReportsDuplicates) {
  Results results;
  {
    EventWriter writer(Options());
    int n = 0;
    for (const char* id : {"a", "b", "a"})
      ASSERT_TRUE(writer.Submit({"gh", "onc", MakeEvent(id), results.For(std::string(id) + "#" + std::to_string(n++))}));
    ASSERT_TRUE(results.WaitFor(3));
    writer.Stop();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 2);
  // Each new event queued for triage; one triage job waits for them all, however many groups.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_triage_pending"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'triage'"), 1);
  // It runs a moment after it was enqueued, so the events right behind the first join its batch.
  EXPECT_EQ(Count("SELECT run_at - created_at FROM vigil_jobs WHERE kind = 'triage'"),
            std::chrono::duration_cast<std::chrono::microseconds>(kTriageGather).count());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events e JOIN subreddits s ON s.id = e.subreddit_id WHERE s.name = 'onc'"), 2);
  int stored = 0, duplicates = 0;
  std::set<std::string> ids;
  for (const auto& [key, r] : results.by_source) {
    stored += r.kind == EventWriteResult::Kind::kStored;
    duplicates += r.kind == EventWriteResult::Kind::kDuplicate;
    ids.insert(r.event_id);
  }
  EXPECT_EQ(stored, 2);
  EXPECT_EQ(duplicates, 1);
  EXPECT_EQ(ids.size(), 2u);  // the duplicate reports the stored row's id
}

TEST_P(EventWriterTest, GroupsEventsQueuedTogetherIntoFewCommits) {
  Results results;
  EventWriter writer(Options());
  for (int i = 0; i < 500; ++i) {
    std::string id = "e" + std::to_string(i);
    ASSERT_TRUE(writer.Submit({"gh", "", MakeEvent(id), results.For(id)}));
  }
  ASSERT_TRUE(results.WaitFor(500));
  writer.Stop();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 500);
  EXPECT_LT(writer.groups_committed(), 500u);
  EXPECT_GE(writer.groups_committed(), 2u);  // at most 256 per group
}

TEST_P(EventWriterTest, UnknownWatcherIsUnavailableAndStoresNothing) {
  Results results;
  EventWriter writer(Options());
  ASSERT_TRUE(writer.Submit({"nobody", "", MakeEvent("x"), results.For("x")}));
  ASSERT_TRUE(results.WaitFor(1));
  EXPECT_EQ(results.by_source["x"].kind, EventWriteResult::Kind::kUnavailable);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM watcher_events"), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EventWriterTest, ::testing::ValuesIn(testing::kDialects));

TEST(EventWriter, UnreachableDatabaseIsUnavailable) {
  Results results;
  EventWriterOptions o;
  o.database.url = "postgresql://vigil@127.0.0.1:1/none?connect_timeout=1";
  EventWriter writer(o);
  ASSERT_TRUE(writer.Submit({"gh", "", MakeEvent("x"), results.For("x")}));
  ASSERT_TRUE(results.WaitFor(1));
  EXPECT_EQ(results.by_source["x"].kind, EventWriteResult::Kind::kUnavailable);
}

TEST(EventWriter, FullQueueRefusesAtOnce) {
  testing::TestDb db("sqlite");
  EventWriterOptions o;
  o.database.url = db.url();
  o.max_queue = 2;
  EventWriter writer(o);
  // The first report holds the writer thread until the test has filled the queue.
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  ASSERT_TRUE(writer.Submit({"gh", "", MakeEvent("first"), [&entered, released](const EventWriteResult&) {
                               entered.set_value();
                               released.wait();
                             }}));
  entered.get_future().wait();
  Results results;
  int accepted = 0;
  for (int i = 0; i < 5; ++i) {
    std::string id = std::to_string(i);
    accepted += writer.Submit({"gh", "", MakeEvent(id), results.For(id)});
  }
  EXPECT_EQ(accepted, 2);
  release.set_value();
  writer.Stop();
  EXPECT_EQ(results.by_source.size(), 2u);  // every accepted event is answered, the refused never
}

}  // namespace
}  // namespace vigil

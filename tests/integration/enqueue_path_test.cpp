// The one enqueue path (store/job_repo.h): a commit that enqueued is counted and wakes the job
// engine in process; a rollback wakes nobody. Against real databases: SQLite files and the test
// PostgreSQL.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <utility>

#include "common/metrics.h"
#include "jobs/engine/job_engine.h"
#include "store/job_repo.h"
#include "tests/support/observed_connection.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class EnqueuePathTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    token_ = AddEnqueueObserver([this](const std::vector<EnqueuedJob>& jobs) {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& j : jobs) seen_.push_back(j.kind + "@" + j.queue);
    });
  }
  void TearDown() override { RemoveEnqueueObserver(token_); }

  std::vector<std::string> Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  static JobSpec Job(const std::string& kind, const std::string& unique_key = "") {
    JobSpec j;
    j.kind = kind;
    j.unique_key = unique_key;
    return j;
  }

  int64_t Count(const std::string& sql) { return testing::CountOf(*conn_, sql); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  std::mutex mu_;
  std::vector<std::string> seen_;
  int token_ = 0;
};

TEST_P(EnqueuePathTest, ObserversHearOfCommitsOnlyAndOfEveryInsertedJob) {
  auto now = std::chrono::system_clock::now();
  double before = Metrics::Global().Value("vigil_jobs_enqueued_total", {{"kind", "enqueue_path_a"}, {"queue", "default"}});
  Status rolled_back = InTransaction(*conn_, true, [&]() -> Status {
    auto r = EnqueueJobsInTx(*conn_, {Job("enqueue_path_a")}, now);
    if (!r.ok()) return r.status();
    return Status::Error("changed my mind");
  });
  EXPECT_FALSE(rolled_back.ok());
  EXPECT_TRUE(Seen().empty()) << "a rolled-back enqueue was reported";

  Status committed = InTransaction(*conn_, true, [&]() -> Status {
    EXPECT_TRUE(EnqueueJobsInTx(*conn_, {Job("enqueue_path_a"), Job("enqueue_path_b", "k1")}, now).ok());
    EXPECT_TRUE(Seen().empty()) << "reported before the commit, when a worker cannot see the rows yet";
    return Status::Ok();
  });
  ASSERT_TRUE(committed.ok()) << committed.message();
  EXPECT_EQ(Seen(), (std::vector<std::string>{"enqueue_path_a@default", "enqueue_path_b@default"}));

  // The unique job exists and is unfinished: enqueuing it again inserts nothing, reports nothing.
  ASSERT_TRUE(EnqueueJobs(*conn_, {Job("enqueue_path_b", "k1")}, now).ok());
  EXPECT_EQ(Seen().size(), 2u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs"), 2);
  EXPECT_EQ(Metrics::Global().Value("vigil_jobs_enqueued_total", {{"kind", "enqueue_path_a"}, {"queue", "default"}}),
            before + 1);
}

// The engine polls every 30 s here; a job another connection of this process enqueues must not
// wait for that: its commit wakes the fetcher (before, on SQLite, it waited for the poll).
TEST_P(EnqueuePathTest, ACommitOnAnyConnectionWakesTheEngineWithoutWaitingForAPoll) {
  JobRegistry registry;
  registry.Add(NoopKind());
  JobEngineOptions o;
  o.database.url = db_.url();
  o.queues = {{"default", 2}};
  o.node_id = "n1";
  o.poll_interval = 30s;
  JobEngine engine(o, registry, {});
  ASSERT_TRUE(engine.Start().ok());
  auto completed = [&](int64_t n) {
    return [this, n] { return Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'") == n; };
  };
  ASSERT_TRUE(EnqueueJobs(*conn_, {Job("noop")}, std::chrono::system_clock::now()).ok());
  EXPECT_TRUE(testing::WaitFor(completed(1), 10s));
  // The fetcher has gone back to its 30 s wait; this enqueue is on a connection it knows nothing of.
  ASSERT_TRUE(EnqueueJobs(*conn_, {Job("noop")}, std::chrono::system_clock::now()).ok());
  EXPECT_TRUE(testing::WaitFor(completed(2), 10s));
  engine.Stop(1s);
}

// A connection that, once, runs `before` ahead of the first statement containing `marker`: the
// moment between two statements of a caller where another process can act.
class InterleavingConnection : public testing::ObservedConnection {
 public:
  InterleavingConnection(SqlConnection& inner, std::string marker, std::function<void()> before)
      : ObservedConnection(inner, [marker = std::move(marker), before = std::move(before)](std::string_view sql, const auto&) mutable {
          if (before && sql.find(marker) != std::string_view::npos) std::exchange(before, nullptr)();
        }) {}
};

// The unique job an enqueue conflicts with can finish before the enqueue looks it up (another
// daemon's worker completing it): the enqueue takes the key with a new job, as it would have a
// moment later, instead of failing (an event writer answered 503 for it).
TEST_P(EnqueuePathTest, AUniqueJobFinishingDuringTheEnqueueIsReplacedNotAnError) {
  // SQLite's writers take turns: no other connection can finish the job inside the enqueue.
  if (conn_->dialect() != "postgres") GTEST_SKIP() << "one writer at a time on SQLite";
  auto now = std::chrono::system_clock::now();
  auto first = EnqueueJobs(*conn_, {Job("enqueue_path_u", "enqueue_path_u:one")}, now);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE((*first)[0].inserted);
  auto other = db_.Connect();
  ASSERT_TRUE(other);
  InterleavingConnection racing(*conn_, "SELECT id FROM vigil_jobs WHERE unique_key", [&] {
    auto done = other->Query("UPDATE vigil_jobs SET state = 'completed' WHERE id = $1", {(*first)[0].id});
    ASSERT_TRUE(done.ok()) << done.error();
  });
  auto second = EnqueueJobs(racing, {Job("enqueue_path_u", "enqueue_path_u:one")}, now);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_TRUE((*second)[0].inserted);
  EXPECT_NE((*second)[0].id, (*first)[0].id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE unique_key = 'enqueue_path_u:one' AND state = 'available'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EnqueuePathTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

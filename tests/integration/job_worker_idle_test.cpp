// A job worker with nothing to do lets its database connection go (issue #22, "Silent when
// idle"): counted as the database sees it, open files on SQLite and backends on PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "jobs/engine/job_engine.h"
#include "store/connection_count.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class JobWorkerIdleTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    KindSpec kind = NoopKind();
    kind.kind = "where";  // noop, noting the thread it ran on
    kind.handler = [this, noop = NoopKind().handler](JobContext& ctx) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        job_thread_ = std::this_thread::get_id();
      }
      return noop(ctx);
    };
    registry_.Add(kind);
  }

  JobEngineOptions Options() {
    JobEngineOptions o;
    o.database.url = db_.url();
    o.queues = {{"default", 1}};
    o.node_id = "idle-node";
    o.poll_interval = 50ms;
    o.worker_idle_close = 300ms;
    o.on_worker_idle = [this] {
      std::lock_guard<std::mutex> lock(mu_);
      idle_threads_.push_back(std::this_thread::get_id());
    };
    return o;
  }

  void Enqueue() {
    JobSpec job{.kind = "where", .args = {{"mark", true}}};
    ASSERT_TRUE(EnqueueJobs(*conn_, {job}, std::chrono::system_clock::now()).ok());
  }

  // The connections open: as the database sees them on PostgreSQL (its backends on this test's
  // database), as this process counts them on SQLite (whose unix VFS keeps a closed connection's
  // file descriptor for the next open of the same file while others hold locks on it).
  int64_t OpenConnections() {
    if (conn_->dialect() == "postgres")
      return testing::CountOf(*conn_, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()");
    return ConnectionCount::Open();
  }

  size_t IdleCalls() {
    std::lock_guard<std::mutex> lock(mu_);
    return idle_threads_.size();
  }

  int64_t Marks() { return testing::CountOf(*conn_, "SELECT COUNT(*) FROM vigil_noop_marks"); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  JobRegistry registry_;
  std::mutex mu_;
  std::thread::id job_thread_;
  std::vector<std::thread::id> idle_threads_;
};

TEST_P(JobWorkerIdleTest, ClosesItsConnectionWhenIdleAndOpensOneForTheNextJob) {
  JobEngine engine(Options(), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_EQ(IdleCalls(), 0u) << "a worker that never ran a job holds nothing to let go";

  Enqueue();
  ASSERT_TRUE(testing::WaitFor([&] { return Marks() == 1; }, 10s, 10ms));
  int64_t while_held = OpenConnections();
  ASSERT_TRUE(testing::WaitFor([&] { return IdleCalls() == 1; }, 10s, 10ms));
  EXPECT_TRUE(testing::WaitFor([&] { return OpenConnections() == while_held - 1; }, 5s, 10ms))
      << "open connections: " << OpenConnections() << ", " << while_held << " while the worker held one";
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_EQ(idle_threads_[0], job_thread_) << "released on the worker's own thread";
  }

  std::this_thread::sleep_for(700ms);  // more than twice the idle time: one release, then sleep
  EXPECT_EQ(IdleCalls(), 1u);

  Enqueue();  // the next job opens a connection again
  EXPECT_TRUE(testing::WaitFor([&] { return Marks() == 2; }, 10s, 10ms));
  EXPECT_TRUE(testing::WaitFor([&] { return IdleCalls() == 2; }, 10s, 10ms));
  engine.Stop(1s);
}

TEST_P(JobWorkerIdleTest, AWorkerKeptBusyKeepsItsConnection) {
  JobEngineOptions options = Options();
  options.worker_idle_close = 400ms;
  JobEngine engine(options, registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  for (int i = 0; i < 12; ++i) {  // a job every 100 ms for 1.2 s: each job starts the idle time anew
    Enqueue();
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(testing::WaitFor([&] { return Marks() == 12; }, 10s, 10ms));
  EXPECT_EQ(IdleCalls(), 0u);
  engine.Stop(1s);
}

INSTANTIATE_TEST_SUITE_P(Dialects, JobWorkerIdleTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

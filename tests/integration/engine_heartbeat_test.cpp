// What the job engine's maintainer reads and writes with its heartbeat, on both databases: the
// node's row and the other nodes on its host (one statement on PostgreSQL), and the queue gauges.
#include <gtest/gtest.h>

#include "common/metrics.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/queue_metrics.h"
#include "store/db_time.h"
#include "store/job_repo.h"
#include "store/node_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class EngineHeartbeatTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
  }

  void Exec(const std::string& sql) { ASSERT_TRUE(conn_->Query(sql).ok()) << sql; }
  int64_t Count(const std::string& sql) { return testing::CountOf(*conn_, sql); }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
};

// The round's beat, its hand-back of expired leases (one job on its last attempt is discarded) and
// the host's other unstopped nodes; on PostgreSQL all of it is one statement.
TEST_P(EngineHeartbeatTest, ARoundRecordsTheBeatHandsBackExpiredLeasesAndListsTheHostsOtherNodes) {
  Exec("INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at) VALUES"
       " ('same-host', 'h1', 41, 'v', 1, 7), ('other-host', 'h2', 42, 'v', 1, 1)");
  Exec("INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at, stopped_at) VALUES"
       " ('stopped', 'h1', 43, 'v', 1, 1, 2)");
  auto at = std::chrono::system_clock::now();
  std::vector<JobSpec> jobs(4);
  for (auto& j : jobs) j.kind = "heartbeat_lease";
  jobs[0].max_attempts = 1;  // claimed first (by id), among the two that expire
  ASSERT_TRUE(EnqueueJobs(*conn_, jobs, at - 1min).ok());
  auto expired = ClaimJobs(*conn_, "default", 2, "same-host", at - 1min, 30s);  // ran out 30 s ago
  ASSERT_TRUE(expired.ok() && expired->size() == 2u);
  auto held = ClaimJobs(*conn_, "default", 2, "other-host", at - 1s, 30s);  // still held
  ASSERT_TRUE(held.ok() && held->size() == 2u);

  NodeBeat beat{"me", "h1", 99, "1.2.3", at, false};
  auto first = HeartbeatRound(*conn_, beat);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first->others_on_host.size(), 1u);
  EXPECT_EQ(first->others_on_host[0].node_id, "same-host");
  EXPECT_EQ(first->others_on_host[0].pid, 41);
  EXPECT_EQ(first->others_on_host[0].heartbeat_us, 7);
  EXPECT_EQ(first->rescued, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded' AND finished_at = " + std::to_string(ToMicros(at))), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'retryable' AND locked_by IS NULL AND run_at = " +
                  std::to_string(ToMicros(at)) + " AND last_error LIKE 'lease expired: worker %'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running' AND locked_by = 'other-host'"), 2);
  auto row = conn_->Query("SELECT hostname, pid, version, started_at, heartbeat_at, stopped_at FROM vigil_nodes WHERE node_id = 'me'");
  ASSERT_TRUE(row.ok() && row->rows.size() == 1u);
  EXPECT_EQ(row->rows[0].Text(0), "h1");
  EXPECT_EQ(row->rows[0].Int(1), 99);
  EXPECT_EQ(row->rows[0].Text(2), "1.2.3");
  EXPECT_EQ(row->rows[0].Int(3), ToMicros(at));
  EXPECT_TRUE(row->rows[0].IsNull(5));

  // The next beat moves heartbeat_at only; the node's own row is never among the others; a host
  // with no other node reads none.
  beat.at = at + 10s;
  auto second = HeartbeatRound(*conn_, beat);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->others_on_host.size(), 1u);
  EXPECT_EQ(second->rescued, 0);
  beat.hostname = "h3";
  auto alone = HeartbeatRound(*conn_, beat);
  ASSERT_TRUE(alone.ok()) << alone.error();
  EXPECT_TRUE(alone->others_on_host.empty());
  beat.hostname = "h1";
  row = conn_->Query("SELECT started_at, heartbeat_at FROM vigil_nodes WHERE node_id = 'me'");
  ASSERT_TRUE(row.ok() && row->rows.size() == 1u);
  EXPECT_EQ(row->rows[0].Int(0), ToMicros(at));
  EXPECT_EQ(row->rows[0].Int(1), ToMicros(at + 10s));

  // Stopping records the stop.
  beat.stopping = true;
  ASSERT_TRUE(RecordNodeBeat(*conn_, beat).ok());
  row = conn_->Query("SELECT stopped_at FROM vigil_nodes WHERE node_id = 'me'");
  ASSERT_TRUE(row.ok() && row->rows.size() == 1u);
  EXPECT_EQ(row->rows[0].Int(0), ToMicros(at + 10s));
}

// A kind's gauge goes back to 0 once its jobs are no longer available (it kept its last figure).
TEST_P(EngineHeartbeatTest, TheQueueGaugesFollowTheAvailableJobsDownToZero) {
  auto now = std::chrono::system_clock::now();
  std::vector<JobSpec> jobs(3);
  for (auto& j : jobs) j.kind = "heartbeat_gauge_a";
  jobs[2].kind = "heartbeat_gauge_b";
  jobs[2].run_at = now - 30s;
  ASSERT_TRUE(EnqueueJobs(*conn_, jobs, now - 10s).ok());
  Labels a{{"kind", "heartbeat_gauge_a"}, {"queue", "default"}};
  Labels b{{"kind", "heartbeat_gauge_b"}, {"queue", "default"}};

  QueuePairs shown;
  ASSERT_TRUE(SampleQueueMetrics(*conn_, now, shown));
  EXPECT_EQ(Metrics::Global().Value("vigil_jobs_available", a), 2);
  EXPECT_EQ(Metrics::Global().Value("vigil_jobs_available", b), 1);
  EXPECT_NEAR(Metrics::Global().Value("vigil_jobs_oldest_available_age_seconds", b), 30, 0.01);
  EXPECT_EQ(shown.size(), 2u);

  Exec("UPDATE vigil_jobs SET state = 'completed' WHERE kind = 'heartbeat_gauge_a'");
  ASSERT_TRUE(SampleQueueMetrics(*conn_, now, shown));
  EXPECT_EQ(Metrics::Global().Value("vigil_jobs_available", a), 0);
  EXPECT_EQ(Metrics::Global().Value("vigil_jobs_oldest_available_age_seconds", a), 0);
  EXPECT_EQ(Metrics::Global().Value("vigil_jobs_available", b), 1);
  EXPECT_EQ(shown, (QueuePairs{{"default", "heartbeat_gauge_b"}}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, EngineHeartbeatTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

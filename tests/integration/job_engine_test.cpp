// The job engine against real databases: SQLite files and the test PostgreSQL.
#include "jobs/engine/job_engine.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "common/iso8601.h"
#include "store/db_time.h"
#include "store/node_repo.h"
#include "tests/integration/job_engine_fixture.h"

namespace vigil {
namespace {

TEST_P(JobEngineTest, RunsEveryEnqueuedJobOnce) {
  Enqueue(300);
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 300));
  engine.Stop(1s);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_noop_marks"), 300);
  EXPECT_EQ(Count("SELECT COALESCE(MAX(runs), 0) FROM vigil_noop_marks"), 1);
}

TEST_P(JobEngineTest, RetriesWithBackoffThenDiscardsKeepingTheLastError) {
  auto ids = Enqueue(1, {{"fail_attempts", 100}}, 3);
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded'", 1));
  engine.Stop(1s);
  auto job = GetJob(*conn_, ids[0]);
  ASSERT_TRUE(job.ok() && *job);
  EXPECT_EQ((*job)->attempt, 3);
  EXPECT_EQ((*job)->last_error, "failing on purpose (attempt 3)");
  EXPECT_GT((*job)->finished_at_us, 0);
}

TEST_P(JobEngineTest, FailedAttemptIsRetriedLater) {
  Enqueue(1, {{"fail_attempts", 1}, {"mark", true}});
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed' AND attempt = 2", 1));
  engine.Stop(1s);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_noop_marks"), 1);
}

TEST_P(JobEngineTest, UniqueKeyEnqueuesOnceWhileUnfinished) {
  JobSpec j{.kind = "noop", .unique_key = "k1"};
  auto a = EnqueueJobs(*conn_, {j}, std::chrono::system_clock::now());
  auto b = EnqueueJobs(*conn_, {j}, std::chrono::system_clock::now());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)[0].inserted);
  EXPECT_FALSE((*b)[0].inserted);
  EXPECT_EQ((*a)[0].id, (*b)[0].id);
  ASSERT_TRUE(CancelJob(*conn_, (*a)[0].id, std::chrono::system_clock::now()).ok());
  auto c = EnqueueJobs(*conn_, {j}, std::chrono::system_clock::now());
  EXPECT_TRUE((*c)[0].inserted) << "a finished job no longer holds its key";
}

TEST_P(JobEngineTest, ExpiredLeaseIsRescuedAndTheJobRunsAgainOnce) {
  auto ids = Enqueue(5);
  auto now = std::chrono::system_clock::now();
  // A worker that claimed the jobs and died: its lease ran out a second ago.
  auto claimed = ClaimJobs(*conn_, "default", 5, "dead-node", now, -1s);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 5u);
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 5));
  engine.Stop(1s);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_noop_marks"), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE attempt = 2"), 5);
}

// The hand-back of a gone node's jobs, on both databases (on PostgreSQL the statement failed on
// every try, its first parameter taken as text inside CASE; found by scripts/soak.sh). One job is
// on its last attempt: it is discarded, with the time it finished.
TEST_P(JobEngineTest, AGoneNodesRunningJobsAreHandedBackAndTheNodeMarkedStopped) {
  Enqueue(2);
  Enqueue(1, {{"mark", true}}, /*max_attempts=*/1);
  auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(conn_->Query("INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at)"
                           " VALUES ('gone-node', 'h', 1, 'v', 1, 1)").ok());
  auto claimed = ClaimJobs(*conn_, "default", 3, "gone-node", now, 5min);
  ASSERT_TRUE(claimed.ok()) << claimed.error();
  ASSERT_EQ(claimed->size(), 3u);
  auto rescued = RescueJobsOfGoneNode(*conn_, "gone-node", now);
  ASSERT_TRUE(rescued.ok()) << rescued.error();
  EXPECT_EQ(*rescued, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'retryable' AND locked_by IS NULL AND finished_at IS NULL"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded' AND finished_at = " + std::to_string(ToMicros(now))), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_nodes WHERE node_id = 'gone-node' AND stopped_at IS NOT NULL"), 1);
}

TEST_P(JobEngineTest, LeaseIsExtendedWhileTheJobRuns) {
  Enqueue(1, {{"sleep_ms", 3500}, {"mark", true}});
  auto opts = Options("n1");
  opts.lease = 1s;
  opts.rescue_interval = 300ms;
  JobEngine engine(opts, registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 1, 10s));
  engine.Stop(1s);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE attempt = 1"), 1) << "the lease lapsed mid-run";
}

TEST_P(JobEngineTest, GracefulStopHandsBackUnfinishedJobs) {
  Enqueue(6, {{"sleep_ms", 60000}});
  JobEngine engine(Options("n1", 2), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running'", 2, 10s));
  auto start = std::chrono::steady_clock::now();
  engine.Stop(300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state IN ('available', 'retryable') AND locked_by IS NULL"), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE attempt > 0"), 0) << "handed-back jobs keep their attempts";
}

TEST_P(JobEngineTest, TimeoutCancelsTheHandlerAndRetries) {
  JobRegistry registry;
  registry.Add(SlowKind(200ms));
  JobSpec j{.kind = "slow", .args = {{"sleep_ms", 30000}}, .max_attempts = 1};
  ASSERT_TRUE(EnqueueJobs(*conn_, {j}, std::chrono::system_clock::now()).ok());
  JobEngine engine(Options("n1"), registry, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded' AND last_error LIKE 'timed out%'", 1, 10s));
  engine.Stop(1s);
}

// The maintainer sleeps until its next duty (here the lease renewal, 10 s away); a claimed job
// whose timeout could pass sooner brings it back for that, so the timeout is kept to the second.
TEST_P(JobEngineTest, ATimeoutSoonerThanTheMaintainersNextDutyIsStillEnforced) {
  JobRegistry registry;
  registry.Add(SlowKind(300ms));
  auto options = Options("n1");
  options.poll_interval = 30s;
  options.lease = 30s;
  options.rescue_interval = 10s;
  JobEngine engine(options, registry, {});
  ASSERT_TRUE(engine.Start().ok());
  std::this_thread::sleep_for(300ms);  // the maintainer's first round is over: it sleeps
  JobSpec j{.kind = "slow", .args = {{"sleep_ms", 30000}}, .max_attempts = 1};
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(EnqueueJobs(*conn_, {j}, std::chrono::system_clock::now()).ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded' AND last_error LIKE 'timed out%'", 1, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  engine.Stop(1s);
}

// On SQLite a handler's commits need not wait for the disk (its outcome's synced commit vouches
// for them); on PostgreSQL they must (the server can crash alone). Other connections sync every
// commit. On SQLite counted as the WAL's syncs by the committing thread.
TEST_P(JobEngineTest, HandlersCommitRelaxedOnSqliteOnlyWhileOtherConnectionsSyncEveryCommit) {
  bool pg = std::string(GetParam()) == "postgres";
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE probe_writes (x INTEGER)").ok());
  // A handler's write: PostgreSQL's setting, or on SQLite how many times the commit synced the WAL.
  auto write = [&](SqlConnection& db) -> Result<std::string> {
    if (pg) {
      auto r = db.Query("SHOW synchronous_commit");
      if (!r.ok()) return r.status();
      return r->rows[0].Text(0);
    }
    int64_t before = testing::WalSyncsOnThisThread(db_.url());
    Status s = InTransaction(db, true, [&] { return db.Query("INSERT INTO probe_writes (x) VALUES (1)").status(); });
    if (!s.ok()) return s;
    return std::to_string(testing::WalSyncsOnThisThread(db_.url()) - before);
  };
  std::mutex mu;
  std::string seen;
  KindSpec probe{.kind = "probe", .handler = [&](JobContext& ctx) {
    auto db = ctx.db();
    if (!db.ok()) return JobResult::Retry(db.error());
    auto r = write(**db);
    if (!r.ok()) return JobResult::Retry(r.error());
    std::lock_guard<std::mutex> lock(mu);
    seen = *r;
    return JobResult::Done();
  }};
  registry_.Add(probe);
  ASSERT_TRUE(EnqueueJobs(*conn_, {JobSpec{.kind = "probe"}}, std::chrono::system_clock::now()).ok());
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'probe' AND state = 'completed'", 1));
  engine.Stop(1s);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen, pg ? "on" : "0") << "the handler's commit";
  auto own = write(*conn_);
  ASSERT_TRUE(own.ok()) << own.error();
  EXPECT_EQ(*own, pg ? "on" : "1") << "another connection's commit";
}

TEST_P(JobEngineTest, UnknownKindIsDiscardedWithAReason) {
  JobSpec j{.kind = "mystery"};
  ASSERT_TRUE(EnqueueJobs(*conn_, {j}, std::chrono::system_clock::now()).ok());
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded' AND last_error LIKE 'no handler%'", 1));
  engine.Stop(1s);
}

TEST_P(JobEngineTest, RetryAndCancelByHand) {
  auto ids = Enqueue(1);
  ASSERT_TRUE(CancelJob(*conn_, ids[0], std::chrono::system_clock::now()).ok());
  EXPECT_FALSE(CancelJob(*conn_, ids[0], std::chrono::system_clock::now()).ok());
  ASSERT_TRUE(RetryJob(*conn_, ids[0], std::chrono::system_clock::now()).ok());
  auto job = GetJob(*conn_, ids[0]);
  EXPECT_EQ((*job)->state, "available");
  EXPECT_FALSE(RetryJob(*conn_, ids[0], std::chrono::system_clock::now()).ok());
}

TEST_P(JobEngineTest, PruneRemovesOnlyOldFinishedJobs) {
  auto ids = Enqueue(3);
  ASSERT_TRUE(CancelJob(*conn_, ids[0], std::chrono::system_clock::now() - 48h).ok());
  ASSERT_TRUE(CancelJob(*conn_, ids[1], std::chrono::system_clock::now()).ok());
  auto pruned = PruneJobs(*conn_, std::chrono::system_clock::now() - 24h);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs"), 2);
}

TEST_P(JobEngineTest, ScheduleFiresOncePerFireAcrossThreeSchedulers) {
  ScheduleSpec s;
  s.name = "job:tick";
  s.job.kind = "noop";
  s.interval = IntervalSchedule{std::chrono::seconds(1), std::chrono::seconds(0)};
  std::vector<std::unique_ptr<Scheduler>> schedulers;
  std::vector<std::unique_ptr<SqlConnection>> conns;
  for (int i = 0; i < 3; ++i) {
    schedulers.push_back(std::make_unique<Scheduler>(std::vector<ScheduleSpec>{s}));
    conns.push_back(db_.Connect());
  }
  auto start = std::chrono::system_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      for (int step = 0; step <= 40; ++step) {
        auto r = schedulers[i]->Tick(*conns[i], start + std::chrono::milliseconds(100 * step));
        EXPECT_TRUE(r.ok()) << r.error();
      }
    });
  }
  for (auto& t : threads) t.join();
  // 4 seconds of 1-second fires (the first from when each first looked): 4 fires, each once.
  EXPECT_GE(Count("SELECT COUNT(*) FROM vigil_schedule_fires"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs"), Count("SELECT COUNT(*) FROM vigil_schedule_fires"));
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT unique_key) FROM vigil_jobs"), Count("SELECT COUNT(*) FROM vigil_jobs"));
}

TEST_P(JobEngineTest, MissedFiresCatchUpOnceOrSkip) {
  ScheduleSpec one;
  one.name = "job:one";
  one.job.kind = "noop";
  one.cron = *CronExpr::Parse("0 * * * *");
  ScheduleSpec skip = one;
  skip.name = "job:skip";
  skip.catch_up = CatchUp::kSkip;
  auto t0 = *ParseIso8601("2026-01-01T00:30:00Z");
  Scheduler before({one, skip});
  ASSERT_TRUE(before.Tick(*conn_, t0).ok());
  ASSERT_TRUE(before.Tick(*conn_, t0 + 31min).ok());  // 01:00 fires for both
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs"), 2);
  // Down from 01:01 to 05:30: a new process (restart) sees four missed fires.
  Scheduler after({one, skip});
  ASSERT_TRUE(after.Tick(*conn_, *ParseIso8601("2026-01-01T05:30:00Z")).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE unique_key LIKE 'fire:job:one:%'"), 2) << "one catch-up run";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE unique_key LIKE 'fire:job:skip:%'"), 1) << "skipped";
  ASSERT_TRUE(after.Tick(*conn_, *ParseIso8601("2026-01-01T06:00:10Z")).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE unique_key LIKE 'fire:job:skip:%'"), 2) << "next on time";
}

INSTANTIATE_TEST_SUITE_P(Dialects, JobEngineTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

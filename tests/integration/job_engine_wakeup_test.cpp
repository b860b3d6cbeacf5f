// The job engine's wake-ups against real databases: a job runs when it can (inserted by another
// process, coming due, retried, beyond the workers), not at the next poll.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include "store/db_time.h"
#include "tests/integration/job_engine_fixture.h"

namespace vigil {
namespace {

class JobEngineWakeupTest : public JobEngineTest {
 protected:
  // Starts an engine whose poll is 30 s away and, `count` times, `apart` after the last, inserts
  // a noop job by hand on another connection, as another process would (with a NOTIFY on
  // PostgreSQL; on SQLite the listener watches the WAL), due `due_in_us(i)` after its insert. Each
  // must be completed within a second. The lease is a daemon's (its heartbeat, whose own commit
  // also wakes the listener, every 10 s), so the heartbeat cannot be what brings each job in time.
  void ExpectEachInsertedJobRunWithoutThePoll(int count, std::chrono::milliseconds apart,
                                              const std::function<int64_t(int)>& due_in_us) {
    auto options = Options("n1");
    options.poll_interval = 30s;
    options.lease = 30s;
    JobEngine engine(options, registry_, {});
    ASSERT_TRUE(engine.Start().ok());
    auto other = db_.Connect();
    ASSERT_TRUE(other);
    for (int i = 1; i <= count; ++i) {
      std::this_thread::sleep_for(apart);
      int64_t now_us = ToMicros(std::chrono::system_clock::now());
      auto ins = other->Query("INSERT INTO vigil_jobs (kind, queue, args, priority, run_at, max_attempts, created_at, updated_at)"
                              " VALUES ('noop', 'default', '{\"mark\": true}', 0, $1, 5, $2, $2)",
                              {now_us + due_in_us(i), now_us});
      ASSERT_TRUE(ins.ok()) << ins.error();
      if (std::string(GetParam()) == "postgres") {
        ASSERT_TRUE(other->Query("NOTIFY vigil_jobs").ok());
      }
      EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", i, 1s)) << "job " << i << " waited for the poll";
    }
    engine.Stop(1s);
  }

};

// A job another process inserted (the CLI's `vigil jobs run`, another daemon) is claimed at once,
// although the poll is 30 s away: on PostgreSQL by its NOTIFY, on SQLite by the listener's watch
// on the WAL. The insert is made by hand, as another process would, so no in-process wake-up helps.
// The listener's race with a commit's publication (docs/jobs.md, Wake-ups) showed only with a
// real other process: JobsE2E.AJobEnqueuedByTheCliReachesAnIdleSqliteDaemonAtOnce covers it.
TEST_P(JobEngineWakeupTest, AJobInsertedByAnotherProcessIsClaimedWithoutWaitingForThePoll) {
  // 300 ms apart: the engine's rounds found nothing and it sleeps.
  ExpectEachInsertedJobRunWithoutThePoll(5, 300ms, [](int) { return int64_t(0); });
}

// A job woken for but not yet due at the claim, and due by the time the fetcher reads the next
// run_at, was neither: the read asked for run_at past now, and the fetcher slept until the poll
// (a webhook burst's triage job, due 20 ms after an enqueue whose commit took about as long,
// waited up to 30 s in one run in about 25 of bench/webhook_bench.sh). Jobs due a few hundred
// microseconds to 3 ms after their insert, each woken for, 250 ms apart (the fetcher reads the next
// run_at at most every 200 ms), must each be claimed within a second.
TEST_P(JobEngineWakeupTest, AJobComingDueBetweenTheClaimAndTheNextRunAtReadIsNotLeftForThePoll) {
  ExpectEachInsertedJobRunWithoutThePoll(24, 250ms, [](int i) { return int64_t(250 * (i % 12)); });
}

// A delayed job runs at its run_at although nothing wakes the engine then and the poll is far.
TEST_P(JobEngineWakeupTest, AnIdleEngineWakesForADelayedJobsRunAt) {
  std::vector<JobSpec> jobs(1);
  jobs[0].kind = "noop";
  jobs[0].args = {{"mark", true}};
  jobs[0].run_at = std::chrono::system_clock::now() + 1500ms;
  ASSERT_TRUE(EnqueueJobs(*conn_, jobs, std::chrono::system_clock::now()).ok());
  auto options = Options("n1");
  options.poll_interval = 30s;
  JobEngine engine(options, registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'"), 0);
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 1, 5s)) << "waited for the poll";
  engine.Stop(1s);
}

// A finished job wakes the fetcher only when the last round left jobs for want of room: jobs
// waiting beyond one worker (enqueued before the start, so no enqueue wakes anyone) all run
// without waiting for the 30 s poll, with prefetch 0 and with prefetch: auto.
TEST_P(JobEngineWakeupTest, JobsBeyondTheWorkersRunWithoutWaitingForThePoll) {
  for (int prefetch : {0, JobEngineOptions::kAuto}) {
    Enqueue(5);
    auto options = Options("n" + std::to_string(prefetch), 1);
    options.poll_interval = 30s;
    options.prefetch = prefetch;
    options.claim_batch = prefetch == 0 ? 1 : JobEngineOptions::kAuto;
    JobEngine engine(options, registry_, {});
    ASSERT_TRUE(engine.Start().ok());
    EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'available'", 0, 5s)) << "prefetch " << prefetch;
    EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", prefetch == 0 ? 5 : 10, 5s));
    engine.Stop(1s);
  }
}

// A job that fails is retried at its backoff's run_at (100 ms for noop) although the idle fetcher
// had planned to sleep for the 30 s poll: the retried outcome wakes it to read the next run_at.
TEST_P(JobEngineWakeupTest, ARetryRunsAtItsRunAtWithoutWaitingForThePoll) {
  auto options = Options("n1");
  options.poll_interval = 30s;
  JobEngine engine(options, registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  std::this_thread::sleep_for(300ms);
  Enqueue(1, {{"fail_attempts", 1}, {"mark", true}});
  EXPECT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 1, 5s)) << "waited for the poll";
  engine.Stop(1s);
}

INSTANTIATE_TEST_SUITE_P(Dialects, JobEngineWakeupTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

// Pausing job kinds and queues (store/job_pause_repo.h) against real databases: what a running
// engine claims, what its schedules fire, how fast every engine sharing the database sees a pause
// or a resume made elsewhere, and the bulk retry of discarded jobs.
#include <gtest/gtest.h>

#include "common/iso8601.h"
#include "jobs/engine/job_engine.h"
#include "store/db_time.h"
#include "store/job_pause_repo.h"
#include "tests/integration/job_engine_fixture.h"

namespace vigil {
namespace {

using Steady = std::chrono::steady_clock;

class JobPauseTest : public JobDbTest {
 protected:
  void SetUp() override {
    JobDbTest::SetUp();
    KindSpec other = NoopKind();
    other.kind = "other";
    registry_.Add(other);
  }

  // A slow poll, so that only a wake-up or the pause watch makes an idle engine claim.
  JobEngineOptions Options(const std::string& node, std::map<std::string, int> queues = {{"default", 2}}) {
    JobEngineOptions o;
    o.database.url = db_.url();
    o.queues = std::move(queues);
    o.node_id = node;
    o.poll_interval = 10s;
    o.lease = 5s;
    o.rescue_interval = 1s;
    o.clock_check = 100ms;  // the schedule tests move a FakeClock
    return o;
  }

  void Enqueue(const std::string& kind, int n, const std::string& queue = "default", nlohmann::json args = {{"mark", true}}) {
    std::vector<JobSpec> jobs(n);
    for (auto& j : jobs) {
      j.kind = kind;
      j.queue = queue;
      j.args = args;
    }
    auto r = EnqueueJobs(*conn_, jobs, std::chrono::system_clock::now());
    ASSERT_TRUE(r.ok()) << r.error();
  }

  void Pause(const std::string& scope, const std::string& name) {
    auto r = PauseJobs(*conn_, {scope, name, ToMicros(std::chrono::system_clock::now()), "test", ""});
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_TRUE(*r);
  }

  void Resume(const std::string& scope, const std::string& name) {
    auto r = ResumeJobs(*conn_, scope, name);
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_TRUE(*r);
  }

};

constexpr const char* kDoneNoop = "SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'noop' AND state = 'completed'";
constexpr const char* kDoneOther = "SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'other' AND state = 'completed'";
constexpr const char* kWaitingNoop = "SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'noop' AND state = 'available'";

TEST_P(JobPauseTest, PausedKindWaitsWhileOtherKindsRunThenRunsWithinASecondOfItsResume) {
  Pause("kind", "noop");
  Enqueue("noop", 5);
  Enqueue("other", 5);
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(WaitFor(kDoneOther, 5));
  std::this_thread::sleep_for(300ms);  // a claim round or more after the others ran
  EXPECT_EQ(Count(kWaitingNoop), 5) << "a paused kind is not claimed";
  auto resumed = Steady::now();
  Resume("kind", "noop");  // on this connection, as the CLI would: the engine is not told
  ASSERT_TRUE(WaitFor(kDoneNoop, 5));
  EXPECT_LT(Steady::now() - resumed, 1500ms) << "the poll is 10 s: the pause watch saw the resume";
  engine.Stop(1s);
}

TEST_P(JobPauseTest, PausedQueueIsNotClaimedWhileOtherQueuesRun) {
  Pause("queue", "slow");
  Enqueue("noop", 3, "slow");
  Enqueue("other", 3, "default");
  JobEngine engine(Options("n1", {{"default", 2}, {"slow", 1}}), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(WaitFor(kDoneOther, 3));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Count(kWaitingNoop), 3);
  Resume("queue", "slow");
  ASSERT_TRUE(WaitFor(kDoneNoop, 3));
  engine.Stop(1s);
}

TEST_P(JobPauseTest, APauseReachesARunningEngineWithinASecondAndDoesNotInterruptARunningJob) {
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  Enqueue("noop", 1, "default", {{"sleep_ms", 1500}, {"mark", true}});
  ASSERT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running'", 1));
  Pause("kind", "noop");
  std::this_thread::sleep_for(1s);
  Enqueue("noop", 4);  // enqueueing goes on while paused, and wakes the engine
  Enqueue("other", 2);
  ASSERT_TRUE(WaitFor(kDoneOther, 2));
  ASSERT_TRUE(WaitFor(kDoneNoop, 1)) << "the job running when the pause came finishes";
  EXPECT_EQ(Count("SELECT runs FROM vigil_noop_marks ORDER BY job_id LIMIT 1"), 1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Count(kWaitingNoop), 4);
  engine.Stop(1s);
  EXPECT_EQ(Count(kWaitingNoop), 4) << "nothing lost";
}

TEST_P(JobPauseTest, TwoEnginesOnOneDatabaseHonourAPauseMadeThroughEitherWithinASecond) {
  JobEngine a(Options("a"), registry_, {});
  JobEngine b(Options("b"), registry_, {});
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  Pause("kind", "noop");  // through a: its API writes the row and tells its own engine
  a.PausesChanged();
  std::this_thread::sleep_for(1s);
  Enqueue("noop", 20);
  Enqueue("other", 2);
  ASSERT_TRUE(WaitFor(kDoneOther, 2));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Count(kWaitingNoop), 20) << "neither engine claims the paused kind";
  auto resumed = Steady::now();
  Resume("kind", "noop");
  a.PausesChanged();
  ASSERT_TRUE(WaitFor(kDoneNoop, 20));
  EXPECT_LT(Steady::now() - resumed, 1500ms);
  a.Stop(1s);
  b.Stop(1s);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_noop_marks"), 22) << "20 noop and 2 other jobs, each run once";
  EXPECT_EQ(Count("SELECT MAX(runs) FROM vigil_noop_marks"), 1);
}

// An hourly schedule of `noop` under an engine on a fake clock: fires at 01:00, is paused from
// 01:30 to 04:30 (fires of 02:00, 03:00 and 04:00 missed), then resumed.
class PausedScheduleRun {
 public:
  PausedScheduleRun(JobEngineOptions options, const JobRegistry& registry, CatchUp catch_up)
      : clock_(*ParseIso8601("2026-01-01T00:30:00Z")) {
    ScheduleSpec s;
    s.name = "job:hourly";
    s.job.kind = "noop";
    s.cron = *CronExpr::Parse("0 * * * *");
    s.catch_up = catch_up;
    engine_ = std::make_unique<JobEngine>(std::move(options), registry, std::vector<ScheduleSpec>{s}, clock_);
  }
  ~PausedScheduleRun() { engine_->Stop(1s); }

  JobEngine& engine() { return *engine_; }
  FakeClock& clock() { return clock_; }

 private:
  FakeClock clock_;
  std::unique_ptr<JobEngine> engine_;
};

constexpr const char* kFires = "SELECT COUNT(*) FROM vigil_jobs WHERE unique_key LIKE 'fire:job:hourly:%'";

TEST_P(JobPauseTest, ScheduleOfAPausedKindCatchesUpOnceOnResume) {
  PausedScheduleRun run(Options("n1"), registry_, CatchUp::kOne);
  ASSERT_TRUE(run.engine().Start().ok());
  std::this_thread::sleep_for(400ms);  // the schedule is seen at 00:30
  run.clock().Set(*ParseIso8601("2026-01-01T01:00:05Z"));
  ASSERT_TRUE(WaitFor(kFires, 1));
  Pause("kind", "noop");
  std::this_thread::sleep_for(1s);
  run.clock().Set(*ParseIso8601("2026-01-01T04:30:00Z"));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(Count(kFires), 1) << "no fire while paused";
  Resume("kind", "noop");
  ASSERT_TRUE(WaitFor(kFires, 2)) << "one catch-up fire";
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(Count(kFires), 2) << "once, not once per missed fire";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE args LIKE '%04:00:00%'"), 1) << "for the latest missed fire";
}

TEST_P(JobPauseTest, ScheduleOfAPausedQueueWithCatchUpSkipWaitsForItsNextFireOnResume) {
  PausedScheduleRun run(Options("n1"), registry_, CatchUp::kSkip);
  ASSERT_TRUE(run.engine().Start().ok());
  std::this_thread::sleep_for(400ms);
  run.clock().Set(*ParseIso8601("2026-01-01T01:00:05Z"));
  ASSERT_TRUE(WaitFor(kFires, 1));
  Pause("queue", "default");
  std::this_thread::sleep_for(1s);
  run.clock().Set(*ParseIso8601("2026-01-01T04:30:00Z"));
  std::this_thread::sleep_for(1s);
  Resume("queue", "default");
  std::this_thread::sleep_for(1200ms);  // a resume is seen within a second: time to (wrongly) fire
  EXPECT_EQ(Count(kFires), 1) << "missed fires skipped";
  run.clock().Set(*ParseIso8601("2026-01-01T05:00:05Z"));
  ASSERT_TRUE(WaitFor(kFires, 2)) << "the next fire runs";
}

TEST_P(JobPauseTest, BulkRetryRunsEveryDiscardedJobOfTheKindOnce) {
  Enqueue("noop", 3, "default", {{"fail_attempts", 1}, {"mark", true}});
  std::vector<JobSpec> keyed(2, JobSpec{.kind = "noop", .args = {{"fail_attempts", 1}}, .max_attempts = 1, .unique_key = "k"});
  Enqueue("other", 1, "default", {{"fail_attempts", 1}});
  ASSERT_TRUE(conn_->Query("UPDATE vigil_jobs SET max_attempts = 1").ok());
  JobEngine engine(Options("n1"), registry_, {});
  ASSERT_TRUE(engine.Start().ok());
  ASSERT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded'", 4));
  // Two discarded jobs holding one unique key: only the newer may run again.
  for (int i = 0; i < 2; ++i) {
    auto r = EnqueueJobs(*conn_, {keyed[0]}, std::chrono::system_clock::now());
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_TRUE(WaitFor("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded'", 5 + i));
  }
  auto retried = RetryDiscardedJobs(*conn_, "noop", std::chrono::system_clock::now());
  ASSERT_TRUE(retried.ok()) << retried.error();
  EXPECT_EQ(*retried, 4) << "3 plain jobs and the newer keyed one";
  engine.Wake();
  ASSERT_TRUE(WaitFor(kDoneNoop, 4));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'discarded'"), 2) << "the older keyed job, and `other`";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_noop_marks"), 3);
  engine.Stop(1s);
}

TEST_P(JobPauseTest, PausingTwiceKeepsTheFirstPauseAndResumingWhatIsNotPausedSaysSo) {
  Pause("kind", "noop");
  auto again = PauseJobs(*conn_, {"kind", "noop", 1, "someone else", "later"});
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE(*again);
  auto pauses = ListJobPauses(*conn_);
  ASSERT_TRUE(pauses.ok()) << pauses.error();
  ASSERT_EQ(pauses->size(), 1u);
  EXPECT_EQ((*pauses)[0].paused_by, "test");
  auto resumed = ResumeJobs(*conn_, "queue", "noop");
  ASSERT_TRUE(resumed.ok()) << resumed.error();
  EXPECT_FALSE(*resumed) << "kind noop is paused, queue noop is not";
}

INSTANTIATE_TEST_SUITE_P(Dialects, JobPauseTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

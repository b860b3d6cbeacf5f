// The fires of timed watchers that only emit, due at one moment, run as one scheduled_watcher job
// (ScheduleSpec::batch), on SQLite and PostgreSQL: the scheduler enqueues one job for them (up to
// 200 fires a job) and notes it on each fire row, however many daemons tick; the job stores every fire's event, splits
// a failing fire out into a job of its own (retried alone, with the attempts the batch had left),
// stores nothing twice when it runs again, and when cancelled stores nothing and is retried whole.
#include <gtest/gtest.h>

#include <chrono>

#include "common/iso8601.h"
#include "sources/watcher_checks.h"
#include "jobs/engine/scheduler.h"
#include "jobs/watch/scheduled_watcher_job.h"
#include "jobs/watcher_schedules.h"
#include "store/db_time.h"
#include "store/job_repo.h"
#include "store/watcher_state_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFireAt = "2026-03-02T10:00:00+00:00";  // as the scheduler writes it

class ScheduledWatcherBatch : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    db_ = test_db_.ConnectMigrated({{.name = "alpha", .type = "scheduled"},
                                    {.name = "beta", .type = "scheduled"},
                                    {.name = "gamma", .type = "scheduled"},
                                    {.name = "broken", .type = "scheduled"}});
    ASSERT_TRUE(db_);
    // Three that emit, every minute; one whose query fails (no such table) and one that reads
    // vigil's database: both sql checks, so neither joins a batch.
    std::string yaml = "database:\n  url: " + test_db_.url() + "\nwatchers:\n";
    for (const char* name : {"alpha", "beta", "gamma"}) {
      yaml += std::string("  - {name: ") + name + ", type: scheduled, every: 1m, emit: {title: '" + name + " at {{fire_at}}'}}\n";
    }
    yaml += "  - {name: broken, type: scheduled, every: 1m, sql: {query: 'SELECT x FROM no_such_table'}}\n";
    auto config = ParseConfig(yaml, "/tmp/vigil.yaml");
    ASSERT_TRUE(config.ok()) << config.error();
    runtime_ = std::make_unique<Runtime>(*config);
    Status st = AddLogAndScheduledWatcherSchedules(**config, &schedules_);
    ASSERT_TRUE(st.ok()) << st.message();
  }

  // Runs the scheduled_watcher handler on a job with `args`, as the worker of job `id` would.
  JobResult Run(const nlohmann::json& args, int64_t id = 7, CancelToken* cancel = nullptr) {
    KindSpec kind = ScheduledWatcherKind(*runtime_);
    JobRow row;
    row.id = id;
    row.kind = "scheduled_watcher";
    row.queue = "default";
    row.priority = 3;
    row.attempt = 1;
    row.max_attempts = 3;
    CancelToken fresh;
    SqlConnection* db = db_.get();
    JobContext ctx{row, args, cancel ? *cancel : fresh, SystemClock::Instance(), "test",
                   [db]() -> Result<SqlConnection*> { return db; },
                   [db](const std::vector<JobSpec>& jobs) -> Status { return EnqueueJobs(*db, jobs, SystemClock::Instance().Now()).status(); }};
    return kind.handler(ctx);
  }
  static nlohmann::json Batch(std::initializer_list<const char*> names) {
    nlohmann::json batch = nlohmann::json::array();
    for (const char* name : names) batch.push_back({{"watcher", name}, {"fire_at", kFireAt}});
    return {{"batch", batch}};
  }
  std::vector<std::string> Titles() {
    auto r = db_->Query("SELECT title FROM watcher_events ORDER BY title");
    EXPECT_TRUE(r.ok()) << r.error();
    std::vector<std::string> out;
    if (r.ok())
      for (const auto& row : r->rows) out.push_back(row.Text(0));
    return out;
  }
  // The scheduled_watcher jobs (not the triage job the stored events enqueued).
  std::vector<JobRow> Jobs() {
    auto r = ListJobs(*db_, JobFilter{.kind = "scheduled_watcher"});
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : std::vector<JobRow>{};
  }

  testing::TestDb test_db_{GetParam()};
  std::unique_ptr<SqlConnection> db_;
  std::unique_ptr<Runtime> runtime_;
  std::vector<ScheduleSpec> schedules_;
};

const std::vector<std::string> kThreeEvents = {"alpha at " + std::string(kFireAt), "beta at " + std::string(kFireAt),
                                               "gamma at " + std::string(kFireAt)};

TEST_P(ScheduledWatcherBatch, EmittingWatchersShareABatchKeyAndSqlChecksKeepAJobEach) {
  std::map<std::string, std::string> batch_of;
  for (const auto& s : schedules_) batch_of[s.name] = s.batch;
  EXPECT_EQ(batch_of, (std::map<std::string, std::string>{
                          {"watcher:alpha", "emit"}, {"watcher:beta", "emit"}, {"watcher:gamma", "emit"}, {"watcher:broken", ""}}));
}

TEST_P(ScheduledWatcherBatch, FiresDueTogetherAreOneJobNotedOnEachFireRowEvenWithTwoDaemons) {
  // Two daemons' schedulers tick at the same moment: the fires are recorded once, as one batch
  // (the emitting three) and one job of its own (the sql check).
  Scheduler first(schedules_), second(schedules_);
  auto at = *ParseIso8601("2026-03-02T10:00:30Z");
  ASSERT_TRUE(first.Tick(*db_, at).ok());
  ASSERT_TRUE(second.Tick(*db_, at).ok());
  auto jobs = Jobs();
  ASSERT_EQ(jobs.size(), 2u);
  std::map<std::string, nlohmann::json> args_of;
  for (const auto& j : jobs) args_of[j.unique_key] = nlohmann::json::parse(j.args);
  auto fire_us = std::to_string(ToMicros(*ParseIso8601(kFireAt)));
  ASSERT_EQ(args_of.count("fire:watcher:alpha:" + fire_us), 1u) << "the batch keeps its first fire's key";
  EXPECT_EQ(args_of["fire:watcher:alpha:" + fire_us], Batch({"alpha", "beta", "gamma"}));
  EXPECT_EQ(args_of["fire:watcher:broken:" + fire_us], (nlohmann::json{{"watcher", "broken"}, {"fire_at", kFireAt}}));
  auto fires = db_->Query("SELECT f.schedule, j.unique_key FROM vigil_schedule_fires f JOIN vigil_jobs j ON j.id = f.job_id ORDER BY f.schedule");
  ASSERT_TRUE(fires.ok()) << fires.error();
  ASSERT_EQ(fires->rows.size(), 4u) << "every fire row names its job";
  EXPECT_EQ(fires->rows[0].Text(0), "watcher:alpha");
  EXPECT_EQ(fires->rows[0].Text(1), "fire:watcher:alpha:" + fire_us);
  EXPECT_EQ(fires->rows[1].Text(0), "watcher:beta");
  EXPECT_EQ(fires->rows[1].Text(1), "fire:watcher:alpha:" + fire_us);
  EXPECT_EQ(fires->rows[2].Text(0), "watcher:broken");
  EXPECT_EQ(fires->rows[2].Text(1), "fire:watcher:broken:" + fire_us);
}

TEST_P(ScheduledWatcherBatch, AFireDueAloneIsAPlainJob) {
  std::vector<ScheduleSpec> one = {schedules_[0]};
  Scheduler scheduler(one);
  ASSERT_TRUE(scheduler.Tick(*db_, *ParseIso8601("2026-03-02T10:00:30Z")).ok());
  auto jobs = Jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(jobs[0].args), (nlohmann::json{{"watcher", "alpha"}, {"fire_at", kFireAt}}));
}

TEST_P(ScheduledWatcherBatch, AThousandFiresOfOneMomentAreBatchesOfTwoHundred) {
  std::vector<ScheduleSpec> many;
  for (int i = 0; i < 1000; ++i) {
    ScheduleSpec s = schedules_[0];
    s.name = "watcher:timed-" + std::to_string(i);
    s.job.args = {{"watcher", "timed-" + std::to_string(i)}};
    many.push_back(s);
  }
  Scheduler scheduler(many);
  ASSERT_TRUE(scheduler.Tick(*db_, *ParseIso8601("2026-03-02T10:00:30Z")).ok());
  auto jobs = Jobs();
  ASSERT_EQ(jobs.size(), 5u);
  for (const auto& j : jobs) EXPECT_EQ(nlohmann::json::parse(j.args)["batch"].size(), 200u);
  auto named = db_->Query("SELECT COUNT(*) FROM vigil_schedule_fires f JOIN vigil_jobs j ON j.id = f.job_id");
  ASSERT_TRUE(named.ok()) << named.error();
  EXPECT_EQ(named->rows[0].Int(0), 1000);
}

TEST_P(ScheduledWatcherBatch, EveryFireIsStoredAndAFailingOneIsSplitOutAlone) {
  JobResult r = Run(Batch({"alpha", "broken", "beta", "gamma"}));
  EXPECT_EQ(r.kind, JobResult::Kind::kDone) << r.error;
  EXPECT_EQ(Titles(), kThreeEvents);
  auto state = GetWatcherState(*db_, "broken");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_NE((*state)->last_error.find("no_such_table"), std::string::npos) << (*state)->last_error;
  auto alpha = GetWatcherState(*db_, "alpha");
  ASSERT_TRUE(alpha.ok() && alpha->has_value());
  EXPECT_EQ((*alpha)->last_error, "");
  EXPECT_NE((*alpha)->cursor.find("\"added\":1"), std::string::npos) << (*alpha)->cursor;

  auto jobs = Jobs();
  ASSERT_EQ(jobs.size(), 1u) << "the failing fire, in a job of its own";
  EXPECT_EQ(jobs[0].kind, "scheduled_watcher");
  EXPECT_EQ(nlohmann::json::parse(jobs[0].args), (nlohmann::json{{"watcher", "broken"}, {"fire_at", kFireAt}}));
  EXPECT_EQ(jobs[0].unique_key, "split:7:1");
  EXPECT_EQ(jobs[0].priority, 3);
  EXPECT_EQ(jobs[0].max_attempts, 2) << "the batch spent one of its three attempts";
  auto wait = FromMicros(jobs[0].run_at_us) - SystemClock::Instance().Now();
  EXPECT_GT(wait, 5s) << "after the kind's backoff (10 s)";
  EXPECT_LT(wait, 11s);
}

TEST_P(ScheduledWatcherBatch, ABatchRunAgainStoresNothingTwiceAndSplitsNothingTwice) {
  ASSERT_EQ(Run(Batch({"alpha", "broken", "beta", "gamma"})).kind, JobResult::Kind::kDone);
  ASSERT_EQ(Run(Batch({"alpha", "broken", "beta", "gamma"})).kind, JobResult::Kind::kDone);
  EXPECT_EQ(Titles(), kThreeEvents);
  EXPECT_EQ(Jobs().size(), 1u);
  auto triage = ListJobs(*db_, JobFilter{.kind = "triage"});
  ASSERT_TRUE(triage.ok());
  EXPECT_EQ(triage->size(), 1u) << "one triage round for the batch's events";
}

TEST_P(ScheduledWatcherBatch, ACancelledBatchStoresNothingAndIsRetriedWhole) {
  CancelToken cancel;
  cancel.Cancel();
  JobResult r = Run(Batch({"alpha", "beta"}), 7, &cancel);
  EXPECT_EQ(r.kind, JobResult::Kind::kRetry);
  EXPECT_EQ(r.error, "cancelled after 0 of 2 fires");
  EXPECT_TRUE(Titles().empty());
  EXPECT_TRUE(Jobs().empty());
}

TEST_P(ScheduledWatcherBatch, ABatchThatIsNoArrayIsDiscarded) {
  JobResult r = Run({{"batch", "alpha"}});
  EXPECT_EQ(r.kind, JobResult::Kind::kDiscard);
  EXPECT_TRUE(Titles().empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, ScheduledWatcherBatch, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

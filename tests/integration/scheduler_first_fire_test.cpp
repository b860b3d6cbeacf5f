// The first fire of a watcher's interval schedule (ScheduleSpec::first_fire_at_once), on SQLite
// and PostgreSQL: a schedule that has never fired fires at once, for its latest slot, and then
// keeps its slots; one that fired recently waits for its next slot; one that missed several slots
// while the daemons were down fires once; daemons starting together run the first fire once; cron
// schedules keep their slots. The times are given, so an hour passes in a tick.
#include "jobs/engine/scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/iso8601.h"
#include "store/db_time.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

class SchedulerFirstFireTest : public ::testing::TestWithParam<const char*> {
 protected:
  // A literature watcher's schedule as the config makes it: every hour, at once when new.
  static ScheduleSpec Hourly() {
    ScheduleSpec s;
    s.name = "watcher:kras-pubmed";
    s.job.kind = "literature_poll";
    s.job.args = {{"watcher", "kras-pubmed"}};
    s.interval = IntervalSchedule{std::chrono::hours(1), std::chrono::seconds(0)};
    s.first_fire_at_once = true;
    return s;
  }

  // Ticks `scheduler` at `iso` on `db` (the fixture's connection by default); its next fire.
  std::optional<TimePoint> Tick(Scheduler& scheduler, const char* iso, SqlConnection* db = nullptr) {
    auto next = scheduler.Tick(db ? *db : *conn_, *ParseIso8601(iso));
    EXPECT_TRUE(next.ok()) << next.error();
    return next.ok() ? *next : std::nullopt;
  }

  // The fire times of the jobs enqueued so far, oldest first.
  std::vector<std::string> FiredFor() {
    auto r = conn_->Query("SELECT args FROM vigil_jobs ORDER BY id");
    EXPECT_TRUE(r.ok()) << r.error();
    std::vector<std::string> out;
    for (const auto& row : r->rows) out.push_back(nlohmann::json::parse(row.Text(0)).value("fire_at", ""));
    return out;
  }

  // A fire recorded before this test's schedulers ran (an earlier run of the daemon).
  void FiredBefore(const std::string& schedule, const char* iso) {
    auto r = conn_->Query("INSERT INTO vigil_schedule_fires (schedule, fire_at, created_at) VALUES ($1, $2, $2)",
                          {schedule, ToMicros(*ParseIso8601(iso))});
    ASSERT_TRUE(r.ok()) << r.error();
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_ = db_.ConnectMigrated();
};

using Fires = std::vector<std::string>;

TEST_P(SchedulerFirstFireTest, NeverFiredFiresAtOnceForItsLatestSlotThenKeepsItsSlots) {
  Scheduler scheduler({Hourly()});
  EXPECT_EQ(Tick(scheduler, "2026-03-02T10:20:00Z"), *ParseIso8601("2026-03-02T11:00:00Z"));
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T10:00:00+00:00"})) << "at once, not at 11:00";
  Tick(scheduler, "2026-03-02T10:59:59Z");
  EXPECT_EQ(FiredFor().size(), 1u);
  Tick(scheduler, "2026-03-02T11:00:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T10:00:00+00:00", "2026-03-02T11:00:00+00:00"}));
}

TEST_P(SchedulerFirstFireTest, WithoutTheFlagANewScheduleWaitsForItsNextSlot) {
  ScheduleSpec s = Hourly();
  s.first_fire_at_once = false;  // jobs.schedules and the maintenance jobs
  Scheduler scheduler({s});
  Tick(scheduler, "2026-03-02T10:20:00Z");
  EXPECT_TRUE(FiredFor().empty());
  Tick(scheduler, "2026-03-02T11:00:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T11:00:00+00:00"}));
}

TEST_P(SchedulerFirstFireTest, FiredRecentlyWaitsForItsNextSlot) {
  FiredBefore("watcher:kras-pubmed", "2026-03-02T10:00:00Z");
  Scheduler restarted({Hourly()});
  EXPECT_EQ(Tick(restarted, "2026-03-02T10:20:00Z"), *ParseIso8601("2026-03-02T11:00:00Z"));
  EXPECT_TRUE(FiredFor().empty()) << "10:00 ran before the restart";
  Tick(restarted, "2026-03-02T11:00:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T11:00:00+00:00"}));
}

TEST_P(SchedulerFirstFireTest, DowntimeLongerThanTheIntervalFiresOnceNotOncePerMissedSlot) {
  FiredBefore("watcher:kras-pubmed", "2026-03-02T05:00:00Z");
  Scheduler restarted({Hourly()});
  Tick(restarted, "2026-03-02T10:20:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T10:00:00+00:00"})) << "one catch-up fire for 06:00 to 10:00";
  Tick(restarted, "2026-03-02T10:40:00Z");
  Tick(restarted, "2026-03-02T11:00:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T10:00:00+00:00", "2026-03-02T11:00:00+00:00"}));
}

TEST_P(SchedulerFirstFireTest, DaemonsStartingTogetherRunTheFirstFireOnce) {
  constexpr int kDaemons = 3;
  std::vector<std::unique_ptr<Scheduler>> schedulers;
  std::vector<std::unique_ptr<SqlConnection>> conns;
  for (int i = 0; i < kDaemons; ++i) {
    schedulers.push_back(std::make_unique<Scheduler>(std::vector<ScheduleSpec>{Hourly()}));
    conns.push_back(db_.Connect());
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kDaemons; ++i) threads.emplace_back([&, i] { Tick(*schedulers[i], "2026-03-02T10:20:00Z", conns[i].get()); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T10:00:00+00:00"}));
  Scheduler later({Hourly()});  // a daemon started a few minutes after the others
  Tick(later, "2026-03-02T10:27:00Z");
  EXPECT_EQ(FiredFor().size(), 1u);
}

TEST_P(SchedulerFirstFireTest, CronSchedulesKeepTheirSlots) {
  ScheduleSpec s = Hourly();
  s.interval.reset();
  s.cron = *CronExpr::Parse("0 9 * * 1");  // Mondays 09:00; 2026-03-02 is a Monday
  Scheduler scheduler({s});
  Tick(scheduler, "2026-03-02T10:20:00Z");
  EXPECT_TRUE(FiredFor().empty()) << "the flag is for interval schedules";
  Tick(scheduler, "2026-03-09T09:00:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-09T09:00:00+00:00"}));
}

TEST_P(SchedulerFirstFireTest, CatchUpSkipStillRunsTheFirstFire) {
  ScheduleSpec s = Hourly();
  s.catch_up = CatchUp::kSkip;  // as log watchers' schedules are
  Scheduler scheduler({s});
  Tick(scheduler, "2026-03-02T10:50:00Z");
  EXPECT_EQ(FiredFor(), (Fires{"2026-03-02T10:00:00+00:00"})) << "nothing was missed: the watcher is new";
}

// More schedules due at once than one statement records (500 a statement): each fires once, with
// a job of its own noted on its fire row, and half of them already fired by another daemon stay
// its alone.
TEST_P(SchedulerFirstFireTest, ThousandsOfSchedulesDueAtOnceFireOnceEach) {
  constexpr int kSchedules = 1201;
  std::vector<ScheduleSpec> specs;
  for (int i = 0; i < kSchedules; ++i) {
    ScheduleSpec s = Hourly();
    s.name = "watcher:feed-" + std::to_string(i);
    s.job.args = {{"watcher", "feed-" + std::to_string(i)}};
    specs.push_back(s);
    if (i % 2 == 0) FiredBefore(s.name, "2026-03-02T10:00:00Z");  // another daemon fired these
  }
  Scheduler scheduler(specs);
  Tick(scheduler, "2026-03-02T10:20:00Z");
  auto count = [&](const char* sql) { return conn_->Query(sql)->rows.at(0).Int(0); };
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_jobs"), kSchedules / 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_schedule_fires"), kSchedules);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_schedule_fires f JOIN vigil_jobs j ON j.id = f.job_id"
                  " AND j.args LIKE '%\"' || SUBSTR(f.schedule, 9) || '\"%'"),
            kSchedules / 2)
      << "each fire row names its own job";
  Tick(scheduler, "2026-03-02T10:40:00Z");
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_jobs"), kSchedules / 2) << "nothing more is due before 11:00";
  Tick(scheduler, "2026-03-02T11:00:00Z");
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_jobs"), kSchedules / 2 + kSchedules);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SchedulerFirstFireTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

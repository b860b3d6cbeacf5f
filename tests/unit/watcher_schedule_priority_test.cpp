// Watcher schedules enqueue their polls ahead of the jobs their events enqueue, so a
// triage backlog never starves the reading of a log or a feed; and an interval watcher's schedule
// fires at once when it has never fired, while cron watchers and other schedules keep their slots.
#include <gtest/gtest.h>

#include <map>

#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

TEST(WatcherSchedulePriority, WatcherJobsRunAheadOfOtherJobs) {
  auto config = ParseConfig(
      "watchers:\n"
      "  - {name: lit, type: literature, source: feed, url: 'https://example.org/feed'}\n"
      "  - {name: app, type: log, paths: ['/var/log/app.log'], rules: [{name: line, match: 'x'}]}\n"
      "jobs:\n  schedules:\n    - {name: tick, kind: noop, every: 1m}\n",
      "vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto schedules = SchedulesFrom(**config);
  ASSERT_TRUE(schedules.ok()) << schedules.error();
  std::map<std::string, int> priority;
  for (const auto& s : *schedules) priority[s.name] = s.job.priority;
  ASSERT_TRUE(priority.count("watcher:lit") && priority.count("schedule:tick"));
  EXPECT_EQ(priority["watcher:lit"], kWatcherJobPriority);
  EXPECT_FALSE(priority.count("watcher:app")) << "a log watcher's passes come from LogWakeups (at kWatcherJobPriority)";
  EXPECT_EQ(priority["schedule:tick"], 0);
  EXPECT_LT(kWatcherJobPriority, 0) << "triage and delivery jobs are enqueued at priority 0";
}

TEST(WatcherSchedulePriority, IntervalWatchersFireAtOnceWhenNewCronWatchersAndOtherSchedulesDoNot) {
  auto config = ParseConfig(
      "watchers:\n"
      "  - {name: lit, type: literature, source: feed, url: 'https://example.org/feed', every: 1h}\n"
      "  - {name: app, type: log, paths: ['/var/log/app.log'], rules: [{name: line, match: 'x'}]}\n"
      "  - {name: status, type: scheduled, every: 5m, emit: {title: t}}\n"
      "  - {name: weekly, type: scheduled, schedule: '0 9 * * 1', emit: {title: t}}\n"
      "jobs:\n  schedules:\n    - {name: tick, kind: noop, every: 1m}\n",
      "vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  auto schedules = SchedulesFrom(**config);
  ASSERT_TRUE(schedules.ok()) << schedules.error();
  std::map<std::string, bool> at_once;
  for (const auto& s : *schedules) at_once[s.name] = s.first_fire_at_once;
  EXPECT_TRUE(at_once.at("watcher:lit"));
  EXPECT_FALSE(at_once.count("watcher:app")) << "no schedule: LogWakeups runs its first pass at start";
  EXPECT_TRUE(at_once.at("watcher:status"));
  EXPECT_FALSE(at_once.at("watcher:weekly")) << "cron watchers keep their slots";
  EXPECT_FALSE(at_once.at("schedule:tick"));
  EXPECT_FALSE(at_once.at("job:triage_retention"));
}

}  // namespace
}  // namespace vigil

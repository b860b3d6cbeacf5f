// A watcher's health (ok, failing, silent, disabled, pending) and the ops alerts' state machine:
// one alert when trouble starts, one when it ends.
#include <gtest/gtest.h>

#include "common/iso8601.h"
#include "jobs/watch/watcher_health.h"
#include "store/db_time.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = *ParseIso8601("2026-12-03T12:00:00Z");

int64_t Ago(std::chrono::seconds s) { return ToMicros(kNow - s); }

// A polled watcher, polled a minute ago for the first time an hour ago, fine so far.
HealthFacts Polled() {
  return HealthFacts{.last_poll_us = Ago(60s), .since_us = Ago(3600s)};
}

TEST(WatcherHealth, APolledWatcherWithoutTroubleIsOk) { EXPECT_EQ(ClassifyHealth(Polled(), kNow), Health::kOk); }

TEST(WatcherHealth, NeverPolledIsPendingButAWebhookNeverIs) {
  HealthFacts f;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kPending);
  f.polled = false;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kOk);
}

TEST(WatcherHealth, OneFailedPollIsFailing) {
  HealthFacts f = Polled();
  f.failure_streak = 1;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kFailing);
}

TEST(WatcherHealth, DisabledWinsOverEverything) {
  HealthFacts f = Polled();
  f.failure_streak = 5;
  f.runs = false;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kDisabled);
}

TEST(WatcherHealth, SilentOnlyPastExpectEveryFromTheLaterOfLastEventAndFirstPoll) {
  HealthFacts f = Polled();  // first poll an hour ago
  f.last_event_us = Ago(7200s);
  f.expect_every_ms = 30 * 60 * 1000;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kSilent) << "first poll an hour ago, no event since";
  f.expect_every_ms = 2 * 3600 * 1000;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kOk) << "the first poll, later than the last event, counts";
  f.expect_every_ms = 30 * 60 * 1000;
  f.last_event_us = Ago(600s);
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kOk) << "an event 10 minutes ago";
}

TEST(WatcherHealth, WithoutExpectEveryNeverSilent) {
  HealthFacts f = Polled();
  f.since_us = Ago(86400 * 365s);
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kOk);
}

TEST(WatcherHealth, FailingIsShownBeforeSilent) {
  HealthFacts f = Polled();
  f.expect_every_ms = 1000;
  f.failure_streak = 2;
  EXPECT_EQ(ClassifyHealth(f, kNow), Health::kFailing);
}

TEST(WatcherHealthSettings, AlertsAreOnWithExpectEveryOrAlertAfter) {
  EXPECT_FALSE(HealthSettingsOf({{"name", "w"}}).alerts);
  EXPECT_EQ(HealthSettingsOf({{"name", "w"}}).alert_after, 3);
  auto every = HealthSettingsOf({{"expect_every", 21600000}});
  EXPECT_TRUE(every.alerts);
  EXPECT_EQ(every.expect_every_ms, 21600000);
  auto after = HealthSettingsOf({{"alert_after", 5}});
  EXPECT_TRUE(after.alerts);
  EXPECT_EQ(after.alert_after, 5);
}

TEST(WatcherHealthAlert, FailingCountsOnlyFromAlertAfter) {
  HealthFacts f = Polled();
  f.failure_streak = 2;
  EXPECT_EQ(AlertCondition(f, 3, kNow), "");
  f.failure_streak = 3;
  EXPECT_EQ(AlertCondition(f, 3, kNow), "failing");
}

TEST(WatcherHealthAlert, SilentWhileFailingFewerThanAlertAfterTimes) {
  HealthFacts f = Polled();
  f.expect_every_ms = 1000;
  f.failure_streak = 1;
  EXPECT_EQ(AlertCondition(f, 3, kNow), "silent");
}

TEST(WatcherHealthAlert, ADisabledWatcherRaisesNothing) {
  HealthFacts f = Polled();
  f.failure_streak = 9;
  f.runs = false;
  EXPECT_EQ(AlertCondition(f, 3, kNow), "");
}

TEST(WatcherHealthAlert, OneAlertWhenTroubleStartsAndOneWhenItEnds) {
  AlertStep quiet = NextAlert("", "");
  EXPECT_EQ(quiet.next, "");
  EXPECT_EQ(quiet.raise, "");

  AlertStep start = NextAlert("", "failing");
  EXPECT_EQ(start.next, "failing");
  EXPECT_EQ(start.raise, "failing");

  AlertStep still = NextAlert("failing", "failing");
  EXPECT_EQ(still.next, "failing");
  EXPECT_EQ(still.raise, "") << "no repeat while it lasts";

  AlertStep end = NextAlert("failing", "");
  EXPECT_EQ(end.next, "");
  EXPECT_EQ(end.raise, "ok");
}

TEST(WatcherHealthAlert, SwitchingBetweenFailingAndSilentRaisesNothingNew) {
  AlertStep step = NextAlert("failing", "silent");
  EXPECT_EQ(step.next, "silent");
  EXPECT_EQ(step.raise, "");
  step = NextAlert("silent", "failing");
  EXPECT_EQ(step.next, "failing");
  EXPECT_EQ(step.raise, "");
}

TEST(WatcherHealthAlert, SilentStartsItsOwnAlert) {
  AlertStep step = NextAlert("", "silent");
  EXPECT_EQ(step.next, "silent");
  EXPECT_EQ(step.raise, "silent");
}

// GET /api/v1/stats: series by total, at most 12, the rest summed as "(other)".
TEST(StatsSeries, LargestFirstAndTheRestSummedAsOther) {
  std::vector<HourlySeries> series;
  for (int i = 0; i < 14; ++i) series.push_back({"w" + std::to_string(i), {i, 1}, i + 1});
  auto top = TopSeries(series, 12);
  ASSERT_EQ(top.size(), 12u);
  EXPECT_EQ(top[0].key, "w13");
  EXPECT_EQ(top[10].key, "w3");
  EXPECT_EQ(top[11].key, "(other)");
  EXPECT_EQ(top[11].counts, (std::vector<int64_t>{0 + 1 + 2, 3})) << "w0, w1 and w2";
  EXPECT_EQ(top[11].total, 1 + 2 + 3);
  int64_t total = 0;
  for (const auto& s : top) total += s.total;
  EXPECT_EQ(total, 14 * 15 / 2) << "nothing lost";
}

TEST(StatsSeries, TwelveOrFewerAreKeptWholeAndTiesGoByKey) {
  auto top = TopSeries({{"b", {1}, 1}, {"a", {1}, 1}, {"c", {5}, 5}}, 12);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].key, "c");
  EXPECT_EQ(top[1].key, "a");
  EXPECT_EQ(top[2].key, "b");
}

}  // namespace
}  // namespace vigil

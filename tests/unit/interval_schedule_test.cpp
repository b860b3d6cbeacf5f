#include "jobs/engine/interval_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

namespace vigil {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

TimePoint Unix(int64_t s) { return TimePoint(seconds(s)); }
int64_t UnixSeconds(TimePoint t) { return std::chrono::floor<seconds>(t.time_since_epoch()).count(); }

TEST(IntervalSchedule, WithoutJitterFiresOnMultiplesOfEverySinceTheEpoch) {
  const IntervalSchedule every15m{minutes(15), seconds(0)};
  const int64_t start = 1'774'605'600 + 7 * 60 + 3;  // 2026-03-27T10:07:03Z
  TimePoint t = Unix(start);
  for (int i = 0; i < 10; ++i) {
    const TimePoint next = every15m.Next(t, "feeds");
    EXPECT_EQ(UnixSeconds(next) % 900, 0);
    EXPECT_GT(next, t);
    EXPECT_LE(next - t, minutes(15));
    t = next;
  }
  EXPECT_EQ(every15m.Next(Unix(start), "feeds"), Unix(1'774'605'600 + 900));
}

TEST(IntervalSchedule, NextIsStrictlyAfterASlotBoundary) {
  const IntervalSchedule hourly{minutes(60), seconds(0)};
  EXPECT_EQ(hourly.Next(Unix(7200), "k"), Unix(10800));
  EXPECT_EQ(hourly.Next(Unix(7199), "k"), Unix(7200));
  EXPECT_EQ(hourly.Next(Unix(7200) - std::chrono::milliseconds(1), "k"), Unix(7200));
}

TEST(IntervalSchedule, AlignsBeforeTheEpochToo) {
  const IntervalSchedule hourly{minutes(60), seconds(0)};
  EXPECT_EQ(hourly.Next(Unix(-1), "k"), Unix(0));
  EXPECT_EQ(hourly.Next(Unix(-3601), "k"), Unix(-3600));
}

TEST(IntervalSchedule, JitterStaysWithinItsWindowAfterEachSlotStart) {
  const IntervalSchedule s{minutes(15), minutes(2)};
  for (int64_t slot = -50; slot < 2000; ++slot) {
    const seconds j = s.JitterOf(slot, "schedule-" + std::to_string(slot % 7));
    ASSERT_GE(j, seconds(0));
    ASSERT_LT(j, minutes(2));
  }
}

TEST(IntervalSchedule, JitterIsDeterministicAcrossInstances) {
  const IntervalSchedule a{minutes(15), minutes(2)};
  const IntervalSchedule b{minutes(15), minutes(2)};
  TimePoint t = Unix(1'774'605'600);
  for (int i = 0; i < 100; ++i) {
    const TimePoint fire = a.Next(t, "pubmed-weekly");
    ASSERT_EQ(fire, b.Next(t, "pubmed-weekly"));
    ASSERT_EQ(fire, a.Next(t, std::string("pubmed-") + "weekly"));
    t = fire;
  }
}

TEST(IntervalSchedule, JitterSpreadsDifferentKeysAndSlots) {
  const IntervalSchedule s{minutes(15), minutes(2)};
  std::set<int64_t> by_key, by_slot;
  for (int i = 0; i < 300; ++i) {
    by_key.insert(s.JitterOf(42, "schedule-" + std::to_string(i)).count());
    by_slot.insert(s.JitterOf(i, "schedule").count());
  }
  // 300 draws from 120 values: a uniform hash covers most of them; a broken one collapses.
  EXPECT_GT(by_key.size(), 80u);
  EXPECT_GT(by_slot.size(), 80u);
}

TEST(IntervalSchedule, JitteredFiresAreStrictlyIncreasingOnePerSlot) {
  const IntervalSchedule s{minutes(5), minutes(5)};  // jitter may use the whole period
  TimePoint t = Unix(1'774'605'600);
  for (int i = 0; i < 500; ++i) {
    const TimePoint fire = s.Next(t, "log-scan");
    ASSERT_GT(fire, t);
    const int64_t slot = UnixSeconds(fire) / 300;
    ASSERT_EQ(fire, s.FireTimeOfSlot(slot, "log-scan"));
    ASSERT_EQ(s.Next(fire - seconds(1), "log-scan"), fire);
    t = fire;
  }
}

TEST(IntervalSchedule, NextIsTheEarliestSlotFireAfterTheGivenTime) {
  const IntervalSchedule s{minutes(15), minutes(10)};
  for (int64_t after = 900'000; after < 1'000'000; after += 37) {
    // Reference: the earliest fire of the neighbouring slots that lies after `after`.
    TimePoint want = TimePoint::max();
    for (int64_t slot = after / 900 - 2; slot <= after / 900 + 2; ++slot) {
      const TimePoint fire = s.FireTimeOfSlot(slot, "k");
      if (fire > Unix(after) && fire < want) want = fire;
    }
    ASSERT_EQ(s.Next(Unix(after), "k"), want) << after;
  }
}

TEST(IntervalSchedule, LatestIsTheLastFireAtOrBeforeTheGivenTime) {
  const IntervalSchedule hourly{minutes(60), seconds(0)};
  EXPECT_EQ(hourly.Latest(Unix(7200), "k"), Unix(7200)) << "a fire at that very time";
  EXPECT_EQ(hourly.Latest(Unix(7199), "k"), Unix(3600));
  EXPECT_EQ(hourly.Latest(Unix(10799) + std::chrono::milliseconds(999), "k"), Unix(7200));
  EXPECT_EQ(hourly.Latest(Unix(-1), "k"), Unix(-3600));
  const IntervalSchedule s{minutes(15), minutes(10)};
  for (int64_t at = 900'000; at < 1'000'000; at += 37) {
    const TimePoint latest = s.Latest(Unix(at), "k");
    ASSERT_LE(latest, Unix(at)) << at;
    ASSERT_EQ(s.Next(latest, "k"), s.Next(Unix(at), "k")) << "no fire between the latest and the next, at " << at;
  }
}

TEST(IntervalSchedule, ValidateNamesTheBadValue) {
  EXPECT_TRUE((IntervalSchedule{minutes(15), minutes(2)}.Validate().ok()));
  EXPECT_TRUE((IntervalSchedule{minutes(15), minutes(15)}.Validate().ok()));
  EXPECT_THAT((IntervalSchedule{seconds(0), seconds(0)}.Validate().message()),
              HasSubstr("every must be positive, got 0s"));
  EXPECT_THAT((IntervalSchedule{minutes(1), minutes(2)}.Validate().message()),
              HasSubstr("jitter must be between 0 and every (60s), got 120s"));
  EXPECT_FALSE((IntervalSchedule{minutes(1), seconds(-1)}.Validate().ok()));
}

// Found by interval_schedule_fuzz: every: 17824280014 (565 years) overflowed the nanoseconds of a
// fire time. Ten years is the most.
TEST(IntervalSchedule, AnIntervalPastTenYearsIsRefused) {
  EXPECT_TRUE((IntervalSchedule{kMaxEvery, seconds(0)}.Validate().ok()));
  EXPECT_THAT((IntervalSchedule{seconds(17824280014), seconds(0)}.Validate().message()),
              HasSubstr("every must be at most 3650d, got 17824280014s"));
}

}  // namespace
}  // namespace vigil

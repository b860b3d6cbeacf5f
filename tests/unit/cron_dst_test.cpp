// Cron fire times across DST transitions (rules in jobs/engine/cron.h).
// 2026 transitions: Europe/Berlin Mar 29 02:00->03:00, Oct 25 03:00->02:00;
// America/New_York Mar 8 02:00->03:00, Nov 1 02:00->01:00;
// Australia/Lord_Howe Apr 5 02:00->01:30, Oct 4 02:00->02:30.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/cron_test_util.h"

namespace vigil {
namespace {

using cron_test::At;
using cron_test::Fires;
using ::testing::ElementsAre;

TEST(CronDst, SpringForwardGapFiresOnceAtTheTransition) {
  EXPECT_THAT(Fires("30 2 * * *", "2026-03-28T12:00", 3, "Europe/Berlin"),
              ElementsAre("2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00",
                          "2026-03-31T02:30:00+02:00"));
  EXPECT_THAT(Fires("30 2 * * *", "2026-03-07T12:00", 2, "America/New_York"),
              ElementsAre("2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"));
}

TEST(CronDst, GapTimesCollapseIntoOneFire) {
  EXPECT_THAT(Fires("*/15 * * * *", "2026-03-29T01:40", 4, "Europe/Berlin"),
              ElementsAre("2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00",
                          "2026-03-29T03:15:00+02:00", "2026-03-29T03:30:00+02:00"));
}

TEST(CronDst, FallBackRepeatFiresOnceAtFirstOccurrence) {
  EXPECT_THAT(Fires("30 1 * * *", "2026-10-31T12:00", 3, "America/New_York"),
              ElementsAre("2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00",
                          "2026-11-03T01:30:00-05:00"));
}

TEST(CronDst, NextFromTheFirstOccurrenceSkipsTheSecond) {
  const auto* ny = cron_test::Zone("America/New_York");
  const CronExpr expr = *CronExpr::Parse("30 1 * * *");
  EXPECT_EQ(expr.Next(At("2026-11-01T01:30:00-04:00"), ny), At("2026-11-02T01:30:00-05:00"));
  EXPECT_EQ(expr.Next(At("2026-11-01T01:10:00-05:00"), ny), At("2026-11-02T01:30:00-05:00"));
}

TEST(CronDst, HourlyAcrossFallBackSkipsTheRepeatedHour) {
  EXPECT_THAT(Fires("0 * * * *", "2026-11-01T00:30", 4, "America/New_York"),
              ElementsAre("2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00",
                          "2026-11-01T03:00:00-05:00", "2026-11-01T04:00:00-05:00"));
  EXPECT_THAT(Fires("0 * * * *", "2026-10-25T01:30", 3, "Europe/Berlin"),
              ElementsAre("2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00",
                          "2026-10-25T04:00:00+01:00"));
}

TEST(CronDst, HourlyAcrossSpringForwardFiresOncePerRealHour) {
  EXPECT_THAT(Fires("0 * * * *", "2026-03-08T00:30", 3, "America/New_York"),
              ElementsAre("2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00",
                          "2026-03-08T04:00:00-04:00"));
  EXPECT_THAT(Fires("0 * * * *", "2026-03-29T00:30", 3, "Europe/Berlin"),
              ElementsAre("2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00",
                          "2026-03-29T04:00:00+02:00"));
}

TEST(CronDst, QuarterHourlyResumesAfterTheRepeatedHour) {
  EXPECT_THAT(Fires("*/15 * * * *", "2026-11-01T01:40", 4, "America/New_York"),
              ElementsAre("2026-11-01T01:45:00-04:00", "2026-11-01T02:00:00-05:00",
                          "2026-11-01T02:15:00-05:00", "2026-11-01T02:30:00-05:00"));
}

TEST(CronDst, FromInsideTheSecondPassWaitsForItsEnd) {
  const auto* ny = cron_test::Zone("America/New_York");
  const CronExpr expr = *CronExpr::Parse("*/15 * * * *");
  EXPECT_EQ(expr.Next(At("2026-11-01T01:20:00-05:00"), ny), At("2026-11-01T02:00:00-05:00"));
}

TEST(CronDst, WeekdayMorningAfterSpringForwardWeekend) {
  // croniter 1.3.5 answers 2026-03-30T08:00+02:00 first: its DST correction carries the
  // offset change of the weekend into Monday.
  EXPECT_THAT(Fires("0 9 * * 1-5", "2026-03-27T10:00", 2, "Europe/Berlin"),
              ElementsAre("2026-03-30T09:00:00+02:00", "2026-03-31T09:00:00+02:00"));
}

TEST(CronDst, HalfHourTransitionsOfLordHowe) {
  EXPECT_THAT(Fires("0 2 * * *", "2026-10-03T12:00", 2, "Australia/Lord_Howe"),
              ElementsAre("2026-10-04T02:30:00+11:00", "2026-10-05T02:00:00+11:00"));
  EXPECT_THAT(Fires("45 1 * * *", "2026-04-04T12:00", 2, "Australia/Lord_Howe"),
              ElementsAre("2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"));
}

TEST(CronDst, ZoneWithoutDstIsPlainOffset) {
  EXPECT_THAT(Fires("30 9 * * *", "2026-03-29T00:00", 2, "Asia/Kolkata"),
              ElementsAre("2026-03-29T09:30:00+05:30", "2026-03-30T09:30:00+05:30"));
}

}  // namespace
}  // namespace vigil

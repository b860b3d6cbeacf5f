// Cron expressions: the grammar, its errors, and fire times in UTC. DST: cron_dst_test.cpp.
#include "jobs/engine/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "tests/unit/cron_test_util.h"

namespace vigil {
namespace {

using cron_test::At;
using cron_test::Fires;
using cron_test::ParseError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// --- Parse errors name the field, its text and the column. ---

TEST(CronParse, RejectsWrongFieldCount) {
  EXPECT_THAT(ParseError("* * * *"), HasSubstr("has 4 fields; expected 5"));
  EXPECT_THAT(ParseError("* * * * * * *"), HasSubstr("has 7 fields"));
  EXPECT_THAT(ParseError("   "), HasSubstr("has 0 fields"));
}

TEST(CronParse, RejectsValueOutOfRangeNamingFieldAndColumn) {
  EXPECT_EQ(ParseError("0 25 * * *"),
            "field 2 (hour) \"25\": value 25 out of range 0-23 (at column 3)");
  EXPECT_EQ(ParseError("0 0 0 * *"),
            "field 3 (day-of-month) \"0\": value 0 out of range 1-31 (at column 5)");
  EXPECT_THAT(ParseError("0 0 * 13 *"), HasSubstr("field 4 (month) \"13\": value 13 out of range 1-12"));
  EXPECT_THAT(ParseError("0 0 * * 8"), HasSubstr("field 5 (day-of-week) \"8\": value 8 out of range 0-7"));
}

TEST(CronParse, ColumnPointsAtTheOffendingListItem) {
  EXPECT_EQ(ParseError("0  1,2,99 * * *"),
            "field 2 (hour) \"1,2,99\": value 99 out of range 0-23 (at column 8)");
}

TEST(CronParse, NumbersFieldsAsWrittenWithSecondsField) {
  EXPECT_EQ(ParseError("0 0 25 * * *"),
            "field 3 (hour) \"25\": value 25 out of range 0-23 (at column 5)");
  EXPECT_THAT(ParseError("60 * * * * *"), HasSubstr("field 1 (second) \"60\""));
}

TEST(CronParse, RejectsBadSteps) {
  EXPECT_EQ(ParseError("*/0 * * * *"),
            "field 1 (minute) \"*/0\": step 0 must be between 1 and 60 (at column 3)");
  EXPECT_THAT(ParseError("0 */x * * *"), HasSubstr("field 2 (hour) \"*/x\": step \"x\" is not a number"));
  EXPECT_THAT(ParseError("1-5/ * * * *"), HasSubstr("step \"\" is not a number"));
  EXPECT_THAT(ParseError("0 */25 * * *"), HasSubstr("step 25 must be between 1 and 24"));
  EXPECT_THAT(ParseError("/5 * * * *"), HasSubstr("missing value before the step"));
}

TEST(CronParse, RejectsUnknownNames) {
  EXPECT_EQ(ParseError("0 0 * FOO *"),
            "field 4 (month) \"FOO\": unknown month name \"FOO\" (expected JAN-DEC) (at column 7)");
  EXPECT_THAT(ParseError("0 0 * * MON-FUN"),
              HasSubstr("unknown day-of-week name \"FUN\" (expected SUN-SAT) (at column 13)"));
  EXPECT_THAT(ParseError("MON * * * *"), HasSubstr("field 1 (minute) \"MON\": \"MON\" is not a number"));
}

TEST(CronParse, RejectsEmptyListItem) {
  EXPECT_EQ(ParseError("1,,2 * * * *"), "field 1 (minute) \"1,,2\": empty list item (at column 3)");
  EXPECT_THAT(ParseError("0 0 1, * *"), HasSubstr("empty list item (at column 7)"));
}

TEST(CronParse, RejectsReversedRange) {
  EXPECT_EQ(ParseError("0 5-1 * * *"),
            "field 2 (hour) \"5-1\": range 5-1 is reversed (start 5 > end 1) (at column 3)");
  EXPECT_THAT(ParseError("0 0 * DEC-JAN *"), HasSubstr("range DEC-JAN is reversed"));
}

TEST(CronParse, RejectsUnknownMacro) {
  EXPECT_THAT(ParseError("@often"), HasSubstr("unknown macro \"@often\""));
}

// --- Features, observed through fire times. ---

TEST(CronFeatures, ListsFireAtEachListedValue) {
  EXPECT_THAT(Fires("0,30 * * * *", "2026-05-04T10:10:00Z", 3),
              ElementsAre("2026-05-04T10:30:00+00:00", "2026-05-04T11:00:00+00:00",
                          "2026-05-04T11:30:00+00:00"));
}

TEST(CronFeatures, RangesIncludeBothEnds) {
  EXPECT_THAT(Fires("0 9-11 * * *", "2026-05-04T00:00:00Z", 4),
              ElementsAre("2026-05-04T09:00:00+00:00", "2026-05-04T10:00:00+00:00",
                          "2026-05-04T11:00:00+00:00", "2026-05-05T09:00:00+00:00"));
}

TEST(CronFeatures, StepsOverStarRangeAndStartValue) {
  EXPECT_THAT(Fires("*/20 10 * * *", "2026-05-04T09:00:00Z", 4),
              ElementsAre("2026-05-04T10:00:00+00:00", "2026-05-04T10:20:00+00:00",
                          "2026-05-04T10:40:00+00:00", "2026-05-05T10:00:00+00:00"));
  EXPECT_THAT(Fires("1-30/10 10 * * *", "2026-05-04T09:00:00Z", 4),
              ElementsAre("2026-05-04T10:01:00+00:00", "2026-05-04T10:11:00+00:00",
                          "2026-05-04T10:21:00+00:00", "2026-05-05T10:01:00+00:00"));
  EXPECT_THAT(Fires("5/15 10 * * *", "2026-05-04T09:00:00Z", 5),
              ElementsAre("2026-05-04T10:05:00+00:00", "2026-05-04T10:20:00+00:00",
                          "2026-05-04T10:35:00+00:00", "2026-05-04T10:50:00+00:00",
                          "2026-05-05T10:05:00+00:00"));
}

TEST(CronFeatures, MonthNamesAreCaseInsensitive) {
  EXPECT_THAT(Fires("0 0 1 JAN,jul *", "2026-02-01T00:00:00Z", 3),
              ElementsAre("2026-07-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00",
                          "2027-07-01T00:00:00+00:00"));
}

TEST(CronFeatures, DayNamesAreCaseInsensitive) {
  // 2026-05-04 is a Monday.
  EXPECT_THAT(Fires("0 0 * * mon-WED", "2026-05-03T12:00:00Z", 4),
              ElementsAre("2026-05-04T00:00:00+00:00", "2026-05-05T00:00:00+00:00",
                          "2026-05-06T00:00:00+00:00", "2026-05-11T00:00:00+00:00"));
}

TEST(CronFeatures, SevenIsSundayAlsoAtTheEndOfRanges) {
  const auto sundays = Fires("0 0 * * 0", "2026-05-01T00:00:00Z", 3);
  EXPECT_EQ(Fires("0 0 * * 7", "2026-05-01T00:00:00Z", 3), sundays);
  EXPECT_EQ(Fires("0 0 * * SUN", "2026-05-01T00:00:00Z", 3), sundays);
  EXPECT_EQ(sundays.front(), "2026-05-03T00:00:00+00:00");
  const auto weekend = Fires("0 0 * * 5-7", "2026-05-01T12:00:00Z", 3);
  EXPECT_THAT(weekend, ElementsAre("2026-05-02T00:00:00+00:00", "2026-05-03T00:00:00+00:00",
                                   "2026-05-08T00:00:00+00:00"));
  EXPECT_EQ(Fires("0 0 * * FRI-SUN", "2026-05-01T12:00:00Z", 3), weekend);
}

TEST(CronFeatures, MacrosEqualTheirExpansions) {
  const char* from = "2026-05-04T10:10:00Z";
  EXPECT_EQ(Fires("@hourly", from, 3), Fires("0 * * * *", from, 3));
  EXPECT_EQ(Fires("@daily", from, 3), Fires("0 0 * * *", from, 3));
  EXPECT_EQ(Fires("@midnight", from, 3), Fires("0 0 * * *", from, 3));
  EXPECT_EQ(Fires("@weekly", from, 3), Fires("0 0 * * 0", from, 3));
  EXPECT_EQ(Fires("@monthly", from, 3), Fires("0 0 1 * *", from, 3));
  EXPECT_EQ(Fires("@yearly", from, 3), Fires("0 0 1 1 *", from, 3));
  EXPECT_EQ(Fires("@ANNUALLY", from, 3), Fires("0 0 1 1 *", from, 3));
  EXPECT_EQ(Fires("@weekly", from, 1).front(), "2026-05-10T00:00:00+00:00");
}

TEST(CronFeatures, SixFieldsMeanLeadingSeconds) {
  EXPECT_TRUE(CronExpr::Parse("*/20 * * * * *")->has_seconds_field());
  EXPECT_THAT(Fires("*/20 * * * * *", "2026-05-04T10:00:05Z", 3),
              ElementsAre("2026-05-04T10:00:20+00:00", "2026-05-04T10:00:40+00:00",
                          "2026-05-04T10:01:00+00:00"));
  EXPECT_THAT(Fires("30 0 12 * * *", "2026-05-04T00:00:00Z", 2),
              ElementsAre("2026-05-04T12:00:30+00:00", "2026-05-05T12:00:30+00:00"));
}

TEST(CronNext, IsStrictlyAfterEvenWithinTheSecond) {
  const CronExpr expr = *CronExpr::Parse("0 10 * * *");
  const TimePoint ten = At("2026-05-04T10:00:00Z");
  EXPECT_EQ(expr.Next(ten), At("2026-05-05T10:00:00Z"));
  EXPECT_EQ(expr.Next(ten - std::chrono::milliseconds(500)), ten);
  EXPECT_EQ(expr.Next(ten + std::chrono::milliseconds(500)), At("2026-05-05T10:00:00Z"));
}

TEST(CronNext, RollsOverMonthAndYearEnds) {
  EXPECT_THAT(Fires("59 23 31 * *", "2026-11-15T00:00:00Z", 3),
              ElementsAre("2026-12-31T23:59:00+00:00", "2027-01-31T23:59:00+00:00",
                          "2027-03-31T23:59:00+00:00"));
}

TEST(CronNext, DoesNotSkipTheFirstAfterAShortMonth) {
  // Day 31 does not exist in February; the search must not jump past March 1 looking for it
  // (croniter 1.3.5 does, see cron_peer_test.cpp).
  EXPECT_THAT(Fires("0 0 1,31 * *", "2000-02-21T19:46:00Z", 3),
              ElementsAre("2000-03-01T00:00:00+00:00", "2000-03-31T00:00:00+00:00",
                          "2000-04-01T00:00:00+00:00"));
}

// --- Vixie day-of-month / day-of-week rule. ---

TEST(CronDayRule, BothRestrictedMatchesEither) {
  // The 13th, or any Friday. 2026-02-13 is a Friday; 2026-03-13 too.
  EXPECT_THAT(Fires("0 0 13 * 5", "2026-02-01T00:00:00Z", 5),
              ElementsAre("2026-02-06T00:00:00+00:00", "2026-02-13T00:00:00+00:00",
                          "2026-02-20T00:00:00+00:00", "2026-02-27T00:00:00+00:00",
                          "2026-03-06T00:00:00+00:00"));
}

TEST(CronDayRule, StarPrefixedDayOfMonthCountsAsUnrestricted) {
  // Odd days that are also Mondays (AND), not odd days or Mondays.
  EXPECT_THAT(Fires("0 0 */2 * 1", "2026-05-01T00:00:00Z", 3),
              ElementsAre("2026-05-11T00:00:00+00:00", "2026-05-25T00:00:00+00:00",
                          "2026-06-01T00:00:00+00:00"));
}

TEST(CronDayRule, StarPrefixedDayOfWeekCountsAsUnrestricted) {
  // The 1st of the month that is also Sunday/Tuesday/Thursday/Saturday (*/2 = 0,2,4,6).
  EXPECT_THAT(Fires("0 0 1 * */2", "2025-12-31T12:00:00Z", 3),
              ElementsAre("2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00",
                          "2026-03-01T00:00:00+00:00"));
}

TEST(CronDayRule, FullRangeWrittenOutCountsAsRestricted) {
  // 1-31 does not begin with '*': both restricted, so OR, so every day.
  EXPECT_THAT(Fires("0 0 1-31 * 1", "2026-05-01T12:00:00Z", 2),
              ElementsAre("2026-05-02T00:00:00+00:00", "2026-05-03T00:00:00+00:00"));
}

TEST(CronDayRule, OnlyOneRestrictedUsesThatOne) {
  EXPECT_THAT(Fires("0 0 * * 1", "2026-05-01T00:00:00Z", 1), ElementsAre("2026-05-04T00:00:00+00:00"));
  EXPECT_THAT(Fires("0 0 15 * *", "2026-05-01T00:00:00Z", 1), ElementsAre("2026-05-15T00:00:00+00:00"));
}

// --- Bounds. ---

TEST(CronNext, ImpossibleExpressionGivesUpQuickly) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(CronExpr::Parse("0 0 30 2 *")->Next(At("2026-01-01T00:00:00Z")), std::nullopt);
  EXPECT_EQ(CronExpr::Parse("0 0 31 4,6,9,11 *")->Next(At("2026-01-01T00:00:00Z")), std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  EXPECT_THAT(Fires("0 0 30 2 *", "2026-01-01T00:00:00Z", 3).front(),
              HasSubstr("never fires within 50 years"));
}

TEST(CronNext, FindsRareLeapDaysAcrossTheSkipped2100) {
  EXPECT_THAT(Fires("0 0 29 2 *", "2097-01-01T00:00:00Z", 2),
              ElementsAre("2104-02-29T00:00:00+00:00", "2108-02-29T00:00:00+00:00"));
}

TEST(CronNextFires, RejectsUnknownZoneAndNegativeCount) {
  Result<std::vector<TimePoint>> unknown = NextFires("0 0 * * *", "Mars/Olympus", TimePoint{}, 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error(), HasSubstr("unknown time zone \"Mars/Olympus\""));
  Result<std::vector<TimePoint>> negative = NextFires("0 0 * * *", "UTC", TimePoint{}, -1);
  ASSERT_FALSE(negative.ok());
  EXPECT_THAT(negative.error(), HasSubstr("must not be negative"));
  Result<std::vector<TimePoint>> bad = NextFires("0 0 * *", "UTC", TimePoint{}, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error(), HasSubstr("has 4 fields"));
}

TEST(CronNextFires, EmptyZoneNameMeansUtc) {
  Result<std::vector<TimePoint>> fires = NextFires("0 12 * * *", "", At("2026-05-04T00:00:00Z"), 1);
  ASSERT_TRUE(fires.ok()) << fires.error();
  EXPECT_EQ(fires->front(), At("2026-05-04T12:00:00Z"));
}

}  // namespace
}  // namespace vigil

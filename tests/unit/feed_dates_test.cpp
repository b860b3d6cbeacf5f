#include "sources/literature/feed_dates.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

// The UTC RFC 3339 form of a parsed date, or "none".
std::string Utc(std::string_view text) {
  auto t = ParseFeedDate(text);
  return t ? FormatRfc3339Utc(*t) : "none";
}

TEST(FeedDates, ReadsRfc822WithNumericZone) {
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 +0000"), "2004-02-29T10:00:00Z");
  EXPECT_EQ(Utc("Thu, 01 Jan 2004 19:48:21 -0500"), "2004-01-02T00:48:21Z");
}

TEST(FeedDates, ReadsRfc3339WithOffsetAndFraction) {
  EXPECT_EQ(Utc("2004-02-28T18:14:55-08:00"), "2004-02-29T02:14:55Z");
  EXPECT_EQ(Utc("2003-12-31T10:14:55.123Z"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(Utc("2003-12-31t10:14:55z"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(Utc("2003-12-31 10:14:55 +0100"), "2003-12-31T09:14:55Z");
}

TEST(FeedDates, ReadsW3cdtfPartialDates) {
  EXPECT_EQ(Utc("2003-12"), "2003-12-01T00:00:00Z");
  EXPECT_EQ(Utc("2003"), "2003-01-01T00:00:00Z");
  EXPECT_EQ(Utc("2003-12-31"), "2003-12-31T00:00:00Z");
  EXPECT_EQ(Utc("20031231T101455Z"), "2003-12-31T10:14:55Z");
}

TEST(FeedDates, ToleratesMissingSecondsAndDayNames) {
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00 GMT"), "2004-02-29T10:00:00Z");
  EXPECT_EQ(Utc("29 Feb 2004 10:00:00 GMT"), "2004-02-29T10:00:00Z");
  EXPECT_EQ(Utc("Mon, 29 Feb 2004 10:00:00 GMT"), "2004-02-29T10:00:00Z");  // wrong day name
  EXPECT_EQ(Utc("2004-02-28T18:14-08:00"), "2004-02-29T02:14:00Z");
}

TEST(FeedDates, ReadsTwoDigitYearsAsFeedparserDoes) {
  EXPECT_EQ(Utc("Thu, 01 Jan 04 19:48:21 GMT"), "2004-01-01T19:48:21Z");
  EXPECT_EQ(Utc("Fri, 01 Jan 99 19:48:21 GMT"), "1999-01-01T19:48:21Z");
}

TEST(FeedDates, ReadsNamedAndMilitaryZones) {
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 EST"), "2004-02-29T15:00:00Z");
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 PDT"), "2004-02-29T17:00:00Z");
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 UT"), "2004-02-29T10:00:00Z");
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 Z"), "2004-02-29T10:00:00Z");
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 A"), "2004-02-29T11:00:00Z");   // RFC 822: A = -1
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 Y"), "2004-02-28T22:00:00Z");   // Y = +12
  EXPECT_EQ(Utc("Sun, 29 Feb 2004 10:00:00 GMT+02:00"), "2004-02-29T08:00:00Z");
}

TEST(FeedDates, ReadsAsctimeAndSwappedMonthDay) {
  EXPECT_EQ(Utc("Sun Jan  4 16:29:06 PST 2004"), "2004-01-05T00:29:06Z");
  EXPECT_EQ(Utc("Sun, Feb 29 2004 10:00:00 GMT"), "2004-02-29T10:00:00Z");
  EXPECT_EQ(Utc("29 February 2004"), "2004-02-29T00:00:00Z");
}

TEST(FeedDates, RejectsImpossibleDatesAndGarbage) {
  EXPECT_EQ(Utc("Mon, 30 Feb 2004 10:00:00 GMT"), "none");
  EXPECT_EQ(Utc("2003-02-29"), "none");
  EXPECT_EQ(Utc("2004-01-01T25:00:00Z"), "none");
  EXPECT_EQ(Utc(""), "none");
  EXPECT_EQ(Utc("yesterday"), "none");
  EXPECT_EQ(Utc("2004-13-01"), "none");
  EXPECT_EQ(Utc("\xCE\xA4\xCF\x81\xCE\xB9, 29 \xCE\x99\xCE\xBF\xCF\x85 2004 12:53:00 GMT"), "none");
}

// Found by fuzz/feed_parser_fuzz.cpp: a year past 2262 overflowed the nanosecond count
// (undefined behaviour; in practice a published date centuries off) instead of being no date.
TEST(FeedDates, YearsATimePointCannotHoldAreNoDate) {
  EXPECT_EQ(Utc("2700-01-01T00:00:00Z"), "none");
  EXPECT_EQ(Utc("Sat, 01 Jan 9999 00:00:00 GMT"), "none");
  EXPECT_EQ(Utc("1600-06-01"), "none");
  EXPECT_EQ(Utc("2261-12-31T23:59:59-12:00"), "2262-01-01T11:59:59Z");
  EXPECT_EQ(Utc("1678-01-01"), "1678-01-01T00:00:00Z");
}

}  // namespace
}  // namespace vigil

#include "common/iso8601.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

namespace vigil {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

const date::time_zone* Zone(const char* name) { return *FindTimeZone(name); }

// 2026-03-30T07:00:00Z, built without the parser under test.
TimePoint MondayMorningUtc() {
  return TimePoint(date::sys_days(date::year(2026) / 3 / 30).time_since_epoch() + hours(7));
}

TimePoint Parse(const std::string& text, const date::time_zone* zone = nullptr) {
  Result<TimePoint> t = ParseIso8601(text, zone);
  EXPECT_TRUE(t.ok()) << t.error();
  return t.ok() ? *t : TimePoint{};
}

TEST(FormatIso8601, UtcHasNumericZeroOffset) {
  EXPECT_EQ(FormatIso8601(MondayMorningUtc()), "2026-03-30T07:00:00+00:00");
  EXPECT_EQ(FormatIso8601(MondayMorningUtc(), Zone("UTC")), "2026-03-30T07:00:00+00:00");
}

TEST(FormatIso8601, UsesTheOffsetInEffectAtThatInstant) {
  EXPECT_EQ(FormatIso8601(MondayMorningUtc(), Zone("Europe/Berlin")), "2026-03-30T09:00:00+02:00");
  EXPECT_EQ(FormatIso8601(MondayMorningUtc() - hours(24 * 10), Zone("Europe/Berlin")),
            "2026-03-20T08:00:00+01:00");
  EXPECT_EQ(FormatIso8601(MondayMorningUtc(), Zone("America/New_York")), "2026-03-30T03:00:00-04:00");
  EXPECT_EQ(FormatIso8601(MondayMorningUtc(), Zone("Asia/Kolkata")), "2026-03-30T12:30:00+05:30");
}

TEST(FormatIso8601, TruncatesToWholeSeconds) {
  EXPECT_EQ(FormatIso8601(MondayMorningUtc() + milliseconds(999)), "2026-03-30T07:00:00+00:00");
  EXPECT_EQ(FormatIso8601(MondayMorningUtc() - milliseconds(1)), "2026-03-30T06:59:59+00:00");
}

TEST(ParseIso8601, AcceptsTheCommonSpellings) {
  const TimePoint want = MondayMorningUtc();
  EXPECT_EQ(Parse("2026-03-30T07:00"), want);
  EXPECT_EQ(Parse("2026-03-30T07:00:00"), want);
  EXPECT_EQ(Parse("2026-03-30 07:00:00"), want);
  EXPECT_EQ(Parse("2026-03-30T07:00:00Z"), want);
  EXPECT_EQ(Parse("2026-03-30t07:00:00z"), want);
  EXPECT_EQ(Parse("2026-03-30T09:00:00+02:00"), want);
  EXPECT_EQ(Parse("2026-03-30T09:00+0200"), want);
  EXPECT_EQ(Parse("2026-03-30T09:00:00+02"), want);
  EXPECT_EQ(Parse("2026-03-30T01:30:00-05:30"), want);
}

TEST(ParseIso8601, KeepsFractionalSeconds) {
  EXPECT_EQ(Parse("2026-03-30T07:00:00.250Z"), MondayMorningUtc() + milliseconds(250));
  EXPECT_EQ(Parse("2026-03-30T07:00:00,5+00:00"), MondayMorningUtc() + milliseconds(500));
  EXPECT_EQ(Parse("2026-03-30T07:00:01.123456789123Z"),
            MondayMorningUtc() + seconds(1) + std::chrono::nanoseconds(123456789));
}

TEST(ParseIso8601, ExplicitOffsetIgnoresTheDefaultZone) {
  EXPECT_EQ(Parse("2026-03-30T07:00:00Z", Zone("Asia/Kolkata")), MondayMorningUtc());
}

TEST(ParseIso8601, NoOffsetMeansWallTimeInTheDefaultZone) {
  EXPECT_EQ(Parse("2026-03-30T09:00", Zone("Europe/Berlin")), MondayMorningUtc());
  EXPECT_EQ(Parse("2026-03-30T03:00:00", Zone("America/New_York")), MondayMorningUtc());
}

TEST(ParseIso8601, NonexistentWallTimeIsTheFirstInstantAfterIt) {
  EXPECT_EQ(Parse("2026-03-29T02:30", Zone("Europe/Berlin")), Parse("2026-03-29T03:00:00+02:00"));
  EXPECT_EQ(Parse("2026-10-04T02:10", Zone("Australia/Lord_Howe")),
            Parse("2026-10-04T02:30:00+11:00"));
}

TEST(ParseIso8601, AmbiguousWallTimeIsTheEarliest) {
  EXPECT_EQ(Parse("2026-11-01T01:30", Zone("America/New_York")), Parse("2026-11-01T01:30:00-04:00"));
  EXPECT_EQ(Parse("2026-10-25T02:30", Zone("Europe/Berlin")), Parse("2026-10-25T02:30:00+02:00"));
}

TEST(ParseIso8601, RoundTripsFormattedTimes) {
  for (const char* zone : {"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"}) {
    for (int h = 0; h < 24 * 400; h += 7) {
      const TimePoint t = MondayMorningUtc() + hours(h) + minutes(h % 60);
      ASSERT_EQ(Parse(FormatIso8601(t, Zone(zone))), t) << zone << " " << FormatIso8601(t, Zone(zone));
    }
  }
}

TEST(ParseIso8601, RejectsMalformedTextNamingThePosition) {
  auto error = [](const std::string& text) {
    Result<TimePoint> t = ParseIso8601(text, nullptr);
    return t.ok() ? std::string("(parsed fine)") : t.error();
  };
  EXPECT_EQ(error("2026-02-30T00:00"),
            "invalid ISO 8601 time \"2026-02-30T00:00\": expected a valid calendar date at position 11");
  EXPECT_THAT(error("2026-03-30"), HasSubstr("expected 'T' or ' ' at position 11"));
  EXPECT_THAT(error("2026-03-30T24:00"), HasSubstr("hour 00-23"));
  EXPECT_THAT(error("2026-03-30T09:60"), HasSubstr("minute 00-59"));
  EXPECT_THAT(error("2026-03-30T09:00:61"), HasSubstr("second 00-59"));
  EXPECT_THAT(error("2026-03-30T09:00:00."), HasSubstr("fractional second digits"));
  EXPECT_THAT(error("2026-03-30T09:00:00+2"), HasSubstr("offset hours"));
  EXPECT_THAT(error("2026-03-30T09:00:00+02:0"), HasSubstr("offset minutes"));
  EXPECT_THAT(error("2026-03-30T09:00:00Z junk"), HasSubstr("expected end of text at position 21"));
  EXPECT_THAT(error("26-03-30T09:00"), HasSubstr("expected YYYY- at position 1"));
  EXPECT_THAT(error(""), HasSubstr("YYYY-"));
}

// Found by fuzz/admin_query_fuzz.cpp: `since=7238-01-01T00:00` overflowed the nanosecond count
// (undefined behaviour; a wrapped time in practice) instead of being refused.
TEST(ParseIso8601, RejectsYearsATimePointCannotHold) {
  for (const char* text : {"7238-01-01T00:00", "2262-04-12T00:00:00Z", "1677-01-01T00:00+01:00", "0000-01-01 00:00"}) {
    Result<TimePoint> t = ParseIso8601(text, nullptr);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_THAT(t.error(), HasSubstr("expected a year from 1678 to 2261 at position 1")) << text;
  }
  Result<TimePoint> last = ParseIso8601("2261-12-31T23:59:59-23:59", nullptr);
  ASSERT_TRUE(last.ok()) << last.error();
  EXPECT_EQ(FormatIso8601(*last), "2262-01-01T23:58:59+00:00");
  Result<TimePoint> first = ParseIso8601("1678-01-01T00:00+23:59", nullptr);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(FormatIso8601(*first), "1677-12-31T00:01:00+00:00");
}

TEST(FindTimeZone, KnowsIanaNamesAndRejectsOthers) {
  ASSERT_TRUE(FindTimeZone("Europe/Berlin").ok());
  EXPECT_EQ((*FindTimeZone("Europe/Berlin"))->name(), "Europe/Berlin");
  EXPECT_EQ((*FindTimeZone(""))->name(), "UTC");
  Result<const date::time_zone*> unknown = FindTimeZone("Europe/Atlantis");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error(), HasSubstr("unknown time zone \"Europe/Atlantis\""));
}

}  // namespace
}  // namespace vigil

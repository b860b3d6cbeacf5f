// The CLI's one voice: times, durations, numbers and tables as people read them.
#include "daemon/cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/iso8601.h"

namespace vigil::cli {
namespace {

TimePoint At(const char* iso) { return *ParseIso8601(iso); }

TEST(CliOutput, TimesAreUtcToTheMinuteWithHowFarFromNow) {
  TimePoint now = At("2026-12-01T19:50:00Z");
  EXPECT_EQ(HumanTime(At("2026-12-01T20:00:00Z"), now), "2026-12-01T20:00Z (in 10m)");
  EXPECT_EQ(HumanTime(At("2026-12-01T19:40:00+00:00"), now), "2026-12-01T19:40Z (10m ago)");
  EXPECT_EQ(HumanTime(At("2026-12-01T21:50:00+02:00"), now), "2026-12-01T19:50Z (now)");
  EXPECT_EQ(HumanTime(TimePoint{}, now), "-");
}

TEST(CliOutput, StoredTimesInEveryStoreSpellingReadAlike) {
  TimePoint now = At("2026-12-01T19:50:00Z");
  for (const char* stored : {"2026-12-01T18:50:00Z", "2026-12-01 18:50:00", "2026-12-01 18:50:00.123456+00",
                             "2026-12-01T18:50:00.250+00:00", "1796151000", "1796151000.25"}) {
    EXPECT_EQ(HumanTimeText(stored, now), "2026-12-01T18:50Z (1h ago)") << stored;
    EXPECT_EQ(JsonTimeText(stored), "2026-12-01T18:50:00Z") << stored;
  }
  EXPECT_EQ(HumanTimeText("", now), "-");
  EXPECT_EQ(HumanTimeText("not a time", now), "not a time");
}

TEST(CliOutput, DurationsAndNumbersAreRoundedForPeople) {
  using std::chrono::milliseconds;
  EXPECT_EQ(HumanDuration(milliseconds(340)), "340ms");
  EXPECT_EQ(HumanDuration(milliseconds(2500)), "2.5s");
  EXPECT_EQ(HumanDuration(milliseconds(3000)), "3s");
  EXPECT_EQ(HumanDuration(milliseconds(45'400)), "45s");
  EXPECT_EQ(HumanDuration(milliseconds(600'000)), "10m");
  EXPECT_EQ(HumanDuration(milliseconds(5'400'000)), "1h 30m");
  EXPECT_EQ(HumanDuration(milliseconds(4 * 3'600'000 + 3 * 86'400'000LL)), "3d 4h");
  EXPECT_EQ(HumanDuration(milliseconds(-600'000)), "-10m");
  EXPECT_EQ(HumanNumber(2913.4), "2,910");
  EXPECT_EQ(HumanNumber(29134567), "29,100,000");
  EXPECT_EQ(HumanNumber(0.00344476), "0.00344");
  EXPECT_EQ(HumanNumber(42), "42");
}

TEST(CliOutput, ColumnsFitTheirContentAndTheWidestTextIsCutOnACharacter) {
  Table t({"NAME", "STATE", "LAST ERROR"});
  t.Add({"a-rather-long-watcher-name", "failed", "GET https://example.org/feed.xml: HTTP 404"});
  t.Add({"b", "running", "résumé résumé résumé"});
  std::ostringstream wide;
  t.Print(wide, 0);
  EXPECT_EQ(wide.str(),
            "NAME                        STATE    LAST ERROR\n"
            "a-rather-long-watcher-name  failed   GET https://example.org/feed.xml: HTTP 404\n"
            "b                           running  résumé résumé résumé\n");
  std::ostringstream narrow;
  t.Print(narrow, 50);
  EXPECT_EQ(narrow.str(),
            "NAME                        STATE    LAST ERROR\n"
            "a-rather-long-watcher-name  failed   GET https://…\n"
            "b                           running  résumé résum…\n");
}

TEST(CliOutput, ColourOnlyWhenAsked) {
  EXPECT_EQ(Paint(Tone::kBad, "failed", false), "failed");
  EXPECT_EQ(Paint(Tone::kBad, "failed", true), "\x1b[31mfailed\x1b[0m");
  Table t({"STATE", "X"});
  t.Add({Paint(Tone::kGood, "running", true), "x"});
  std::ostringstream out;
  t.Print(out, 0);
  EXPECT_EQ(out.str(), "STATE    X\n\x1b[32mrunning\x1b[0m  x\n");
}

}  // namespace
}  // namespace vigil::cli

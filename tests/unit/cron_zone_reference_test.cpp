// vigil's cron fire times in DST zones against a brute-force reference written here: step every
// wall-clock minute of a window around each DST transition, keep the minutes the expression
// matches, and map each to an instant with date::zoned_time (choose::earliest, which gives the
// first occurrence of a repeated time and the transition instant for a nonexistent one). The set
// of those instants is the schedule's fire set by definition (jobs/engine/cron.h); vigil's Next must
// walk exactly that set, from the window's start and from random points inside it (including the
// second pass through a repeated hour).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "jobs/engine/cron.h"
#include "tests/unit/cron_random_expr.h"

namespace vigil {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kExpressionsPerWindow = 60;
constexpr int kRandomStartsPerExpression = 10;

struct Window {
  date::local_seconds first, last;  // wall-clock minutes, inclusive
};

// Windows of +-30 h wall time around each 2026 transition of `zone`; one plain window if none.
std::vector<Window> TransitionWindows(const date::time_zone* zone) {
  std::vector<Window> windows;
  date::sys_seconds t = date::sys_days(date::year(2026) / 1 / 1);
  const date::sys_seconds end = date::sys_days(date::year(2027) / 1 / 1);
  for (date::sys_info info = zone->get_info(t); info.end < end; info = zone->get_info(t)) {
    t = info.end;
    const date::local_seconds wall(t.time_since_epoch() + info.offset);
    windows.push_back({wall - hours(30), wall + hours(30)});
  }
  if (windows.empty()) {
    const date::local_seconds noon(date::local_days(date::year(2026) / 3 / 29) + hours(12));
    windows.push_back({noon - hours(30), noon + hours(30)});
  }
  return windows;
}

TimePoint Earliest(const date::time_zone* zone, date::local_seconds wall) {
  return date::zoned_time<seconds>(zone, wall, date::choose::earliest).get_sys_time();
}

std::set<TimePoint> ReferenceFires(const CronExpr& expr, const date::time_zone* zone,
                                   const Window& w) {
  std::set<TimePoint> fires;
  for (date::local_seconds wall = w.first; wall <= w.last; wall += minutes(1)) {
    if (expr.Matches(wall)) fires.insert(Earliest(zone, wall));
  }
  return fires;
}

std::string Describe(const std::string& expr, const date::time_zone* zone, TimePoint after) {
  return "\"" + expr + "\" in " + zone->name() + " after " +
         date::format("%FT%TZ", date::floor<seconds>(after));
}

void CompareWindow(const std::string& text, const date::time_zone* zone, const Window& w,
                   cron_test::RandomCronExpr& random) {
  const CronExpr expr = *CronExpr::Parse(text);
  const std::set<TimePoint> want = ReferenceFires(expr, zone, w);
  const TimePoint begin = Earliest(zone, w.first), end = Earliest(zone, w.last);
  // Walk from the window's first instant: vigil must produce the reference set, in order.
  std::vector<TimePoint> got;
  for (std::optional<TimePoint> t = expr.Next(begin - seconds(1), zone); t && *t <= end;
       t = expr.Next(*t, zone)) {
    got.push_back(*t);
  }
  ASSERT_EQ(got, std::vector<TimePoint>(want.begin(), want.end())) << Describe(text, zone, begin);
  // From random instants: the first reference fire strictly after it.
  for (int i = 0; i < kRandomStartsPerExpression; ++i) {
    const TimePoint after = begin + seconds(random.Below(static_cast<int>(
                                         std::chrono::floor<seconds>(end - begin).count())));
    const auto expected = want.upper_bound(after);
    if (expected == want.end() || *expected == *want.rbegin()) continue;  // may lie past `end`
    ASSERT_EQ(expr.Next(after, zone), *expected) << Describe(text, zone, after);
  }
}

class CronZoneReference : public ::testing::TestWithParam<const char*> {};

TEST_P(CronZoneReference, RandomExpressionsMatchBruteForceAroundTransitions) {
  const date::time_zone* zone = date::locate_zone(GetParam());
  cron_test::RandomCronExpr random(std::hash<std::string>{}(GetParam()) % 1000 + 11);
  for (const Window& w : TransitionWindows(zone)) {
    for (int i = 0; i < kExpressionsPerWindow; ++i) {
      // Mostly every day (the window is only 2.5 days long), hours near the transitions.
      std::string text = random.Next(/*hours_near_midnight=*/true);
      const size_t hour_end = text.find(' ', text.find(' ') + 1);
      if (!random.OneIn(5)) text = text.substr(0, hour_end) + " * * *";
      CompareWindow(text, zone, w, random);
      if (HasFatalFailure()) return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Zones, CronZoneReference,
                         ::testing::Values("Europe/Berlin", "America/New_York",
                                           "Australia/Lord_Howe", "Asia/Kolkata"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace vigil

// Shared helpers for the cron tests: fire times as ISO 8601 text in the schedule's zone.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/iso8601.h"
#include "jobs/engine/cron.h"

namespace vigil::cron_test {

inline const date::time_zone* Zone(const std::string& name) {
  Result<const date::time_zone*> zone = FindTimeZone(name);
  EXPECT_TRUE(zone.ok()) << zone.error();
  return zone.ok() ? *zone : nullptr;
}

// `from` is ISO 8601; without an offset it is wall time in `tz`.
inline TimePoint At(const std::string& from, const std::string& tz = "UTC") {
  Result<TimePoint> t = ParseIso8601(from, Zone(tz));
  EXPECT_TRUE(t.ok()) << t.error();
  return t.ok() ? *t : TimePoint{};
}

// The next n fires of `expr` after `from`, formatted in `tz`; on error, the error message alone.
inline std::vector<std::string> Fires(const std::string& expr, const std::string& from, int n,
                                      const std::string& tz = "UTC") {
  Result<std::vector<TimePoint>> fires = NextFires(expr, tz, At(from, tz), n);
  if (!fires.ok()) return {fires.error()};
  std::vector<std::string> out;
  for (TimePoint t : *fires) out.push_back(FormatIso8601(t, Zone(tz)));
  return out;
}

inline std::string ParseError(const std::string& expr) {
  Result<CronExpr> parsed = CronExpr::Parse(expr);
  return parsed.ok() ? std::string("(parsed fine)") : parsed.error();
}

}  // namespace vigil::cron_test

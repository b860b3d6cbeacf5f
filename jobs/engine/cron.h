// Cron expressions: parsing, and the next fire time in an IANA time zone.
//
// Grammar (Vixie cron, plus a Quartz/Spring-style leading seconds field):
//   5 fields   minute hour day-of-month month day-of-week      (fires at second 0)
//   6 fields   second minute hour day-of-month month day-of-week
//   macros     @hourly @daily @midnight @weekly @monthly @yearly @annually (5-field equivalents)
// Each field is a comma list of items; an item is `*`, a value `v`, a range `a-b`, each optionally
// with a step (`*/5`, `1-30/3`, and `5/15` meaning 5-<field max>/15). Months accept JAN-DEC and
// days SUN-SAT, case-insensitive, wherever a number is allowed. Day-of-week is 0-7, 0 and 7 both
// Sunday; a day-of-week range ending in 0/SUN (`FRI-SUN`) ends on the Sunday after, as if 7.
// Any other range with start > end (`5-1`) is rejected: vigil does not guess a wrap-around.
//
// Day-of-month and day-of-week combine as in Vixie cron: when both are restricted a day matches
// if EITHER matches; otherwise both must match. A field that begins with `*` (`*`, `*/2`) counts
// as unrestricted for this rule, even when a step makes it select only some days. (croniter
// decides by the set of values instead; see tests/unit/cron_peer_test.cpp.)
//
// Time zones and DST. An expression describes wall-clock times in the schedule's zone; each
// matching wall time is turned into an instant by the rule of common/local_time.h, and the fire
// times are the resulting set of instants:
//   - a matching wall time inside the spring-forward gap fires once, at the first valid instant
//     after it (30 2 * * * fires at 03:00 CEST on Berlin's spring-forward day). Several gap times
//     (*/15: 02:00, 02:15, 02:30, 02:45) collapse into that one fire, together with 03:00 itself;
//   - a wall time that occurs twice (the fall-back repeat) fires once, at its first occurrence.
//     The second pass through a repeated hour fires nothing, whatever the fields: `0 * * * *` in
//     New York fires 00:00 EDT, 01:00 EDT, then 02:00 EST, two real hours later, and `*/15 * * * *`
//     fires 01:00-01:45 EDT and then 02:00 EST. A schedule never fires twice for the same wall
//     time, which is what "daily at 01:30" means to its author; one that must fire on a fixed
//     real-time period should be an interval schedule (jobs/engine/interval_schedule.h) instead.
//
// A CronExpr is an immutable value; all methods are const and thread-safe.
#pragma once

#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/local_time.h"
#include "common/status.h"

namespace vigil {

// A set of small integers (0-63) as a bit mask.
class CronValueSet {
 public:
  void Add(int v) { bits_ |= uint64_t{1} << v; }
  bool Has(int v) const { return (bits_ >> v) & 1u; }
  // The smallest member >= v, or -1 if none.
  int NextAtOrAfter(int v) const;
  bool operator==(const CronValueSet&) const = default;

 private:
  uint64_t bits_ = 0;
};

class CronExpr {
 public:
  // How far Next looks ahead before it gives up. Matches croniter's bound; it also covers the
  // longest real gaps (Feb 29 on a given weekday, or across 2100, which is not a leap year).
  static constexpr int kSearchYears = 50;

  // Error: wrong field count, unknown macro, or a bad field. Field errors name the field and its
  // text and end with the column (1-based) of the offending item, e.g.
  //   field 2 (hour) "25": value 25 out of range 0-23 (at column 3)
  static Result<CronExpr> Parse(std::string_view text);

  // The first fire time strictly after `after`, in `zone` (null: UTC), by the DST rules above.
  // nullopt if no wall time within kSearchYears of `after` matches (`0 0 30 2 *`); the bounded
  // search returns in well under a millisecond even then.
  std::optional<TimePoint> Next(TimePoint after, const date::time_zone* zone = nullptr) const;

  // Whether a wall time (whole seconds) matches all fields.
  bool Matches(date::local_seconds wall) const;

  // The expression in one canonical spelling (cron_normal.cpp): always six fields, second minute
  // hour day-of-month month day-of-week; macros expanded; months and days by name (Jan, Mon); a
  // field that selects every value is `*`, an even step `*/15` or `8-18/2`, anything else a list
  // of values and ranges (`Sun,Fri,Sat`). It parses back to the same schedule, the day fields'
  // either-or rule included: "0 9 * * 1-5" -> "0 0 9 * * Mon-Fri", "@daily" -> "0 0 0 * * *".
  std::string Normalized() const;

  bool has_seconds_field() const { return has_seconds_field_; }
  const std::string& text() const { return text_; }

 private:
  friend class CronParser;

  bool DayMatches(const date::year_month_day& ymd, date::weekday wd) const;
  std::optional<std::chrono::seconds> NextTimeOfDay(std::chrono::seconds at_or_after) const;
  std::optional<date::local_seconds> NextMatchAtOrAfter(date::local_seconds start) const;

  std::string text_;
  bool has_seconds_field_ = false;
  CronValueSet seconds_, minutes_, hours_, days_of_month_, months_, days_of_week_;  // dow: 0-6
  bool dom_restricted_ = false;  // field does not begin with '*'
  bool dow_restricted_ = false;
};

// The next `n` fire times of `expr` in the zone named `tz_name` (empty: UTC) strictly after
// `from`, in order; fewer if the expression stops matching (see CronExpr::Next). Error: bad
// expression, unknown zone, negative n, or no fire time at all. Used by `vigil cron next`.
Result<std::vector<TimePoint>> NextFires(const std::string& expr, const std::string& tz_name,
                                         TimePoint from, int n);

}  // namespace vigil

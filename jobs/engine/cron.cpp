// Next fire time of a CronExpr. The search runs on wall-clock time, field by field: it jumps to
// the next allowed month, then steps through the days of allowed months, then picks the first
// allowed hour, minute and second of a matching day. So it costs a few steps per fire, and at
// most one step per day of an allowed month when nothing matches. Only the final wall time is
// turned into an instant (common/local_time.h), which is where DST enters.
#include "jobs/engine/cron.h"

#include <bit>

namespace vigil {

using std::chrono::seconds;

int CronValueSet::NextAtOrAfter(int v) const {
  if (v < 0) v = 0;
  if (v > 63) return -1;
  const uint64_t at_or_after = bits_ & (~uint64_t{0} << v);
  return at_or_after == 0 ? -1 : std::countr_zero(at_or_after);
}

bool CronExpr::DayMatches(const date::year_month_day& ymd, date::weekday wd) const {
  const bool dom = days_of_month_.Has(static_cast<int>(static_cast<unsigned>(ymd.day())));
  const bool dow = days_of_week_.Has(static_cast<int>(wd.c_encoding()));
  return dom_restricted_ && dow_restricted_ ? (dom || dow) : (dom && dow);
}

bool CronExpr::Matches(date::local_seconds wall) const {
  const date::local_days day = date::floor<date::days>(wall);
  const date::hh_mm_ss<seconds> tod(wall - day);
  const date::year_month_day ymd(day);
  return months_.Has(static_cast<int>(static_cast<unsigned>(ymd.month()))) &&
         DayMatches(ymd, date::weekday(day)) && hours_.Has(static_cast<int>(tod.hours().count())) &&
         minutes_.Has(static_cast<int>(tod.minutes().count())) &&
         seconds_.Has(static_cast<int>(tod.seconds().count()));
}

// First allowed time of day >= at_or_after, or nullopt if none is left in this day.
std::optional<seconds> CronExpr::NextTimeOfDay(seconds at_or_after) const {
  const date::hh_mm_ss<seconds> start(at_or_after);
  int h = static_cast<int>(start.hours().count());
  int m = static_cast<int>(start.minutes().count());
  int s = static_cast<int>(start.seconds().count());
  for (int hour = hours_.NextAtOrAfter(h); hour >= 0; hour = hours_.NextAtOrAfter(hour + 1)) {
    if (hour != h) m = 0, s = 0;
    for (int minute = minutes_.NextAtOrAfter(m); minute >= 0;
         minute = minutes_.NextAtOrAfter(minute + 1)) {
      if (minute != m) s = 0;
      const int second = seconds_.NextAtOrAfter(s);
      if (second >= 0) return seconds(hour * 3600 + minute * 60 + second);
      s = 0;
      m = minute + 1;
    }
    m = 0, s = 0;
    h = hour + 1;
  }
  return std::nullopt;
}

// First matching wall time >= start, within kSearchYears.
std::optional<date::local_seconds> CronExpr::NextMatchAtOrAfter(date::local_seconds start) const {
  date::local_days day = date::floor<date::days>(start);
  seconds time_of_day = start - day;
  const date::year last_year = date::year_month_day(day).year() + date::years(kSearchYears);
  while (true) {
    const date::year_month_day ymd(day);
    if (ymd.year() > last_year) return std::nullopt;
    const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (!months_.Has(month)) {
      const int next = months_.NextAtOrAfter(month + 1);
      const date::year year = next < 0 ? ymd.year() + date::years(1) : ymd.year();
      const int to = next < 0 ? months_.NextAtOrAfter(1) : next;
      day = date::local_days(year / date::month(static_cast<unsigned>(to)) / 1);
      time_of_day = seconds(0);
      continue;
    }
    if (DayMatches(ymd, date::weekday(day))) {
      if (const auto t = NextTimeOfDay(time_of_day)) return day + *t;
    }
    day += date::days(1);
    time_of_day = seconds(0);
  }
}

// Where the wall-clock search for fires strictly after `after` starts. Normally one second past
// the wall time of `after`. But when `after` lies in the second pass of a repeated (fall-back)
// interval, the wall times left in that interval already fired during the first pass, so the
// search starts where the repeat ends.
static date::local_seconds SearchStart(TimePoint after, const date::time_zone* zone) {
  const auto whole = date::floor<seconds>(after);
  if (zone == nullptr) return date::local_seconds(whole.time_since_epoch()) + seconds(1);
  const date::sys_info now = zone->get_info(whole);
  const date::local_seconds wall(whole.time_since_epoch() + now.offset);
  const date::local_info here = zone->get_info(wall);
  if (here.result == date::local_info::ambiguous && now.begin == here.second.begin) {
    return date::local_seconds(here.first.end.time_since_epoch() + here.first.offset);
  }
  return wall + seconds(1);
}

std::optional<TimePoint> CronExpr::Next(TimePoint after, const date::time_zone* zone) const {
  date::local_seconds start = SearchStart(after, zone);
  while (true) {
    const std::optional<date::local_seconds> wall = NextMatchAtOrAfter(start);
    if (!wall) return std::nullopt;
    const TimePoint fire = ResolveLocalTime(*wall, zone);
    if (fire > after) return fire;
    start = *wall + seconds(1);  // not reached when SearchStart is right; kept as a safety net
  }
}

Result<std::vector<TimePoint>> NextFires(const std::string& expr, const std::string& tz_name,
                                         TimePoint from, int n) {
  if (n < 0) return Status::Error("number of fire times must not be negative, got " +
                                  std::to_string(n));
  Result<CronExpr> parsed = CronExpr::Parse(expr);
  if (!parsed.ok()) return parsed.status();
  Result<const date::time_zone*> zone = FindTimeZone(tz_name);
  if (!zone.ok()) return zone.status();
  std::vector<TimePoint> fires;
  TimePoint after = from;
  while (static_cast<int>(fires.size()) < n) {
    const std::optional<TimePoint> next = parsed->Next(after, *zone);
    if (!next) break;
    fires.push_back(*next);
    after = *next;
  }
  if (n > 0 && fires.empty()) {
    return Status::Error("cron expression \"" + expr + "\" never fires within " +
                         std::to_string(CronExpr::kSearchYears) + " years after " +
                         date::format("%FT%TZ", date::floor<seconds>(from)));
  }
  return fires;
}

}  // namespace vigil

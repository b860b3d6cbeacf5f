// How much each watcher brought, and counts of events and notifications per hour: read by the
// watchers' health (GET /api/v1/watchers, /api/v1/overview, the watcher_health job) and the
// console's charts (GET /api/v1/stats).
//
// Counts group in the database: a watcher's activity in one pass over the events (by watcher and
// UTC day), the hourly counts over a range of watcher_events.detected_at or
// notifications.created_at (indexed where vigil created those tables, store/shared_tables.cpp).
// Names of watchers and communities are looked up afterwards in the small `watchers` and
// `subreddits`.
//
// Threads: each caller passes its own connection.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

inline constexpr int kActivityDays = 14;

struct WatcherActivity {
  int64_t events = 0;
  int64_t last_event_us = 0;                   // 0: none (whole seconds)
  std::array<int64_t, kActivityDays> per_day{};  // UTC days, oldest first; the last is today's
};

// The key of a watcher's id in the maps below: a UUID as 32 hex digits, whichever form it came in.
std::string WatcherIdKey(std::string_view id);

// Per watchers.id (WatcherIdKey): its events, last event and events per
// UTC day of the last kActivityDays days up to `now`. Watchers without events are absent.
Result<std::map<std::string, WatcherActivity>> WatcherActivityById(SqlConnection& db, TimePoint now);

// When each row of `watchers` was created (microseconds, by WatcherIdKey): a webhook's silence is counted
// from it, since a webhook is never polled.
Result<std::map<std::string, int64_t>> WatcherCreatedById(SqlConnection& db);

// What the console's charts count, and by what.
enum class CountOf { kEvents, kNotifications };
enum class CountBy { kWatcher, kCommunity, kSignal };

struct HourlySeries {
  std::string key;              // a watcher's name, a community's name, a signal; "(none)" when it has none
  std::vector<int64_t> counts;  // one per hour, oldest first
  int64_t total = 0;
};

// Rows counted per hour in [start, start + hours * 1h) (`start` on a whole hour), one series per
// key, in no particular order. An event's community is its watcher's; a notification's is its own.
Result<std::vector<HourlySeries>> CountPerHour(SqlConnection& db, CountOf of, CountBy by, TimePoint start, int hours);

// The series sorted by total, largest first (then by key); past `max` series, the smallest are
// summed into one keyed "(other)", so that `max` series are left.
std::vector<HourlySeries> TopSeries(std::vector<HourlySeries> series, size_t max);

// Rows of watcher_events detected, and of notifications created, at or after `since`; and the
// notifications still pending.
struct RecentCounts {
  int64_t events = 0;
  int64_t notifications = 0;
  int64_t notifications_pending = 0;
};
Result<RecentCounts> CountRecent(SqlConnection& db, TimePoint since);

}  // namespace vigil

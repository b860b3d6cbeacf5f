#include "store/watcher_activity_repo.h"

#include <algorithm>

#include "store/db_time.h"

namespace vigil {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// Seconds since the epoch of a timestamp column of the platform's tables (text on SQLite, as
// SQLAlchemy writes it; TIMESTAMPTZ on PostgreSQL). Per aggregate, not per row.
std::string EpochOf(std::string_view dialect, const std::string& expr) {
  if (dialect == "sqlite") return "CAST(strftime('%s', substr(" + expr + ", 1, 19)) AS INTEGER)";
  return "CAST(FLOOR(EXTRACT(EPOCH FROM " + expr + ")) AS BIGINT)";
}

// (key, unit number since the epoch, count, seconds since the epoch of the group's newest row)
// for rows of `table` (those whose `time_col` is at or after $1 when `since`), grouped by `key_col`
// and by hour or day. SQLite groups by the text's hour or day prefix (no date arithmetic per row)
// and converts only the groups.
std::string CountPerUnitSql(std::string_view dialect, const std::string& table, const std::string& key_col,
                            const std::string& time_col, int64_t unit, bool since) {
  std::string u = std::to_string(unit);
  std::string where = since ? " WHERE " + time_col + " >= $1" : " WHERE " + key_col + " IS NOT NULL";
  if (dialect == "sqlite") {
    std::string len = unit == kHour ? "13" : "10";
    std::string pad = unit == kHour ? " || ':00:00'" : "";
    return "SELECT k, CAST(strftime('%s', t" + pad + ") AS INTEGER) / " + u + ", n, " + EpochOf(dialect, "m") +
           " FROM (SELECT CAST(" + key_col + " AS TEXT) AS k, substr(" + time_col + ", 1, " + len + ") AS t, COUNT(*) AS n, MAX(" +
           time_col + ") AS m FROM " + table + where + " GROUP BY 1, 2) AS g";
  }
  return "SELECT CAST(" + key_col + " AS TEXT), CAST(FLOOR(EXTRACT(EPOCH FROM " + time_col + ") / " + u + ") AS BIGINT), COUNT(*), " +
         EpochOf(dialect, "MAX(" + time_col + ")") + " FROM " + table + where + " GROUP BY 1, 2";
}

int64_t Seconds(TimePoint t) { return ToMicros(t) / 1000000; }

// Names of the keys a count groups by: watchers.id -> its name, or its community's name;
// subreddits.id -> its name.
Result<std::map<std::string, std::string>> KeyNames(SqlConnection& db, CountOf of, CountBy by) {
  std::map<std::string, std::string> names;
  if (by == CountBy::kSignal) return names;
  std::string sql = by == CountBy::kWatcher ? "SELECT CAST(id AS TEXT), name FROM watchers"
                    : of == CountOf::kEvents
                        ? "SELECT CAST(w.id AS TEXT), s.name FROM watchers w JOIN subreddits s ON s.id = w.subreddit_id"
                        : "SELECT CAST(id AS TEXT), name FROM subreddits";
  auto r = db.Query(sql);
  if (!r.ok()) return r.status();
  for (const auto& row : r->rows) names[WatcherIdKey(row.Text(0))] = row.Text(1);
  return names;
}

std::string KeyColumn(CountOf of, CountBy by) {
  if (by == CountBy::kSignal) return of == CountOf::kEvents ? "triage_signal" : "signal";
  if (by == CountBy::kCommunity && of == CountOf::kNotifications) return "subreddit_id";
  return "watcher_id";  // an event's community is its watcher's
}

}  // namespace

std::string WatcherIdKey(std::string_view id) {
  auto hex = UuidIn(id, UuidForm::kHex);
  return hex ? *hex : std::string(id);
}

Result<std::map<std::string, WatcherActivity>> WatcherActivityById(SqlConnection& db, TimePoint now) {
  // One pass over the events, by watcher and day: the totals, the newest and the recent days.
  auto r = db.Query(CountPerUnitSql(db.dialect(), "watcher_events", "watcher_id", "detected_at", kDay, false));
  if (!r.ok()) return r.status();
  std::map<std::string, WatcherActivity> out;
  int64_t first_day = Seconds(now) / kDay - (kActivityDays - 1);
  for (const auto& row : r->rows) {
    auto& a = out[WatcherIdKey(row.Text(0))];
    int64_t n = row.Int(2);
    a.events += n;
    a.last_event_us = std::max(a.last_event_us, row.Int(3) * 1000000);
    int64_t i = row.Int(1) - first_day;
    if (i >= 0 && i < kActivityDays) a.per_day[i] += n;
  }
  return out;
}

Result<std::map<std::string, int64_t>> WatcherCreatedById(SqlConnection& db) {
  auto r = db.Query("SELECT CAST(id AS TEXT), " + EpochOf(db.dialect(), "created_at") + " FROM watchers");
  if (!r.ok()) return r.status();
  std::map<std::string, int64_t> out;
  for (const auto& row : r->rows) out[WatcherIdKey(row.Text(0))] = row.Int(1) * 1000000;
  return out;
}

Result<std::vector<HourlySeries>> CountPerHour(SqlConnection& db, CountOf of, CountBy by, TimePoint start, int hours) {
  auto names = KeyNames(db, of, by);
  if (!names.ok()) return names.status();
  bool events = of == CountOf::kEvents;
  auto r = db.Query(CountPerUnitSql(db.dialect(), events ? "watcher_events" : "notifications", KeyColumn(of, by),
                                    events ? "detected_at" : "created_at", kHour, true),
                    {SeedTimestamp(start, db.dialect())});
  if (!r.ok()) return r.status();
  int64_t first = Seconds(start) / kHour;
  std::map<std::string, HourlySeries> series;
  for (const auto& row : r->rows) {
    int64_t i = row.Int(1) - first;
    if (i < 0 || i >= hours) continue;  // a clock ahead of ours
    std::string key = row.Text(0);
    if (by != CountBy::kSignal) {
      auto it = names->find(WatcherIdKey(key));
      key = it != names->end() ? it->second : "";
    }
    if (key.empty()) key = "(none)";
    auto& s = series[key];
    if (s.counts.empty()) {
      s.key = key;
      s.counts.assign(hours, 0);
    }
    s.counts[i] += row.Int(2);
    s.total += row.Int(2);
  }
  std::vector<HourlySeries> out;
  for (auto& [key, s] : series) out.push_back(std::move(s));
  return out;
}

std::vector<HourlySeries> TopSeries(std::vector<HourlySeries> series, size_t max) {
  std::sort(series.begin(), series.end(),
            [](const HourlySeries& a, const HourlySeries& b) { return a.total != b.total ? a.total > b.total : a.key < b.key; });
  if (series.size() <= max || max == 0) return series;
  HourlySeries other{"(other)", std::vector<int64_t>(series[0].counts.size(), 0), 0};
  for (size_t i = max - 1; i < series.size(); ++i) {
    for (size_t h = 0; h < other.counts.size() && h < series[i].counts.size(); ++h) other.counts[h] += series[i].counts[h];
    other.total += series[i].total;
  }
  series.resize(max - 1);
  series.push_back(std::move(other));
  return series;
}

Result<RecentCounts> CountRecent(SqlConnection& db, TimePoint since) {
  std::string at = SeedTimestamp(since, db.dialect());
  auto r = db.Query("SELECT (SELECT COUNT(*) FROM watcher_events WHERE detected_at >= $1),"
                    " (SELECT COUNT(*) FROM notifications WHERE created_at >= $1),"
                    " (SELECT COUNT(*) FROM notifications WHERE status = 'pending')",
                    {at});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return RecentCounts{};
  return RecentCounts{r->rows[0].Int(0), r->rows[0].Int(1), r->rows[0].Int(2)};
}

}  // namespace vigil

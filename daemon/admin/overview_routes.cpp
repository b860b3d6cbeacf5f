// GET /api/v1/overview (the console's first screen: every watcher's health, queue depth, failing
// jobs, pauses, counts of the last 24 hours) and GET /api/v1/stats (events or notifications per
// hour, by watcher, community or signal). Handlers run on the DbThread; every count reads an
// indexed time range (store/watcher_activity_repo.h).
#include <algorithm>

#include "common/iso8601.h"
#include "common/utf8_cut.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/admin_query.h"
#include "daemon/watcher_status.h"
#include "store/job_pause_repo.h"
#include "store/job_repo.h"
#include "store/watcher_activity_repo.h"

namespace vigil {
namespace {

constexpr int kMaxFailingJobs = 20;
constexpr size_t kMaxSeries = 12;

nlohmann::json NullIfEmpty(const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text); }

// A watcher of GET /api/v1/watchers as the overview lists it.
nlohmann::json OverviewWatcher(const nlohmann::json& item) {
  return {{"name", item.value("name", "")},
          {"type", item.value("type", "")},
          {"source", item.value("source", "yaml")},
          {"community", item.value("community", "")},
          {"health", item.value("health", "")},
          {"last_error", NullIfEmpty(WatcherErrorText(item))},
          {"failure_streak", item.value("consecutive_failures", 0)},
          {"last_poll_at", item.value("last_poll_at", nlohmann::json(nullptr))},
          {"last_event_at", item.value("last_event_at", nlohmann::json(nullptr))},
          {"expect_every", item.value("expect_every", nlohmann::json(nullptr))}};
}

Result<nlohmann::json> Queues(SqlConnection& db) {
  auto r = db.Query("SELECT kind, state, COUNT(*) FROM vigil_jobs WHERE state IN ('available', 'running', 'retryable', 'discarded')"
                    " GROUP BY kind, state ORDER BY kind, state");
  if (!r.ok()) return r.status();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : r->rows) out.push_back({{"kind", row.Text(0)}, {"state", row.Text(1)}, {"count", row.Int(2)}});
  return out;
}

// Discarded jobs, then retryable ones, newest first; at most kMaxFailingJobs.
Result<nlohmann::json> FailingJobs(SqlConnection& db) {
  nlohmann::json out = nlohmann::json::array();
  for (const char* state : {"discarded", "retryable"}) {
    int left = kMaxFailingJobs - static_cast<int>(out.size());
    if (left <= 0) break;
    auto jobs = ListJobs(db, JobFilter{.state = state, .limit = left});
    if (!jobs.ok()) return jobs.status();
    for (const auto& j : *jobs) out.push_back(JobToJson(j));
  }
  return out;
}

HttpResponse Overview(SqlConnection& db, const Config& config) {
  auto now = std::chrono::system_clock::now();
  nlohmann::json watchers = nlohmann::json::array();
  for (const auto& item : WatchersStatusJson(db, config)) watchers.push_back(OverviewWatcher(item));
  auto queues = Queues(db);
  if (!queues.ok()) return ApiError(500, queues.error());
  auto failing = FailingJobs(db);
  if (!failing.ok()) return ApiError(500, failing.error());
  auto pauses = ListJobPauses(db);
  if (!pauses.ok()) return ApiError(500, pauses.error());
  nlohmann::json pause_items = nlohmann::json::array();
  for (const auto& p : *pauses) pause_items.push_back(JobPauseToJson(p));
  auto counts = CountRecent(db, now - std::chrono::hours(24));
  if (!counts.ok()) return ApiError(500, counts.error());
  return ApiJson(200, {{"generated_at", FormatUtcZ(now)},
                       {"watchers", watchers},
                       {"queues", *queues},
                       {"failing_jobs", *failing},
                       {"pauses", pause_items},
                       {"counts",
                        {{"events_24h", counts->events},
                         {"notifications_24h", counts->notifications},
                         {"notifications_pending", counts->notifications_pending}}}});
}

struct StatsQuery {
  std::string of, range, by;
  int hours = 24;
};

// One parameter that must be one of `allowed` (the first when absent).
Result<std::string> Choice(const HttpRequest& req, const std::string& name, const std::vector<std::string>& allowed) {
  std::string value = QueryParam(req, name);
  if (value.empty()) return allowed[0];
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return Status::Error(name + " must be one of " + list + " (got \"" + std::string(CutUtf8(value, 64)) + "\")");
}

Result<StatsQuery> StatsQueryFrom(const HttpRequest& req) {
  StatsQuery q;
  auto of = Choice(req, "of", {"events", "notifications"});
  if (!of.ok()) return of.status();
  auto range = Choice(req, "range", {"24h", "7d"});
  if (!range.ok()) return range.status();
  auto by = Choice(req, "by", {"watcher", "community", "signal"});
  if (!by.ok()) return by.status();
  q.of = *of;
  q.range = *range;
  q.by = *by;
  q.hours = q.range == "7d" ? 168 : 24;
  return q;
}

HttpResponse Stats(SqlConnection& db, const HttpRequest& req) {
  auto q = StatsQueryFrom(req);
  if (!q.ok()) return ApiError(400, q.error());
  auto now = std::chrono::system_clock::now();
  auto hour = std::chrono::floor<std::chrono::hours>(now);
  TimePoint start = hour - std::chrono::hours(q->hours - 1);
  CountOf of = q->of == "events" ? CountOf::kEvents : CountOf::kNotifications;
  CountBy by = q->by == "watcher" ? CountBy::kWatcher : q->by == "community" ? CountBy::kCommunity : CountBy::kSignal;
  auto series = CountPerHour(db, of, by, start, q->hours);
  if (!series.ok()) return ApiError(500, series.error());
  nlohmann::json out_series = nlohmann::json::array();
  int64_t total = 0;
  for (const auto& s : TopSeries(std::move(*series), kMaxSeries)) {
    out_series.push_back({{"key", s.key}, {"counts", s.counts}});
    total += s.total;
  }
  return ApiJson(200, {{"of", q->of},
                       {"range", q->range},
                       {"by", q->by},
                       {"bucket_seconds", 3600},
                       {"start", FormatUtcZ(start)},
                       {"buckets", q->hours},
                       {"series", out_series},
                       {"total", total}});
}

}  // namespace

void AdminApi::AddOverviewRoutes() {
  AddRoute({"GET", "/api/v1/overview", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>&) {
              return Overview(db, *config_());
            }});
  AddRoute({"GET", "/api/v1/stats", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              return Stats(db, req);
            }});
}

}  // namespace vigil

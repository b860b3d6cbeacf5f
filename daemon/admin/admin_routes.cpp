// The watcher, event and job routes of AdminApi (see admin_api.h). Handlers run on the DbThread.
#include "common/iso8601.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/admin_query.h"
#include "daemon/watcher_status.h"
#include "jobs/engine/job_engine.h"
#include "store/event_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

// The job one run of a watcher of `type` is ("" for a type that is not polled: a webhook answers
// requests). A scheduled watcher's run is a fire now.
std::string RunKindOf(const std::string& type) {
  if (type == "literature") return "literature_poll";
  if (type == "scheduled") return "scheduled_watcher";
  if (type == "log") return "log_tail";
  return "";
}

// GET /api/v1/events/<id>: the event with its raw payload, and its notifications (oldest first)
// with the suggested hypothesis of the first that has one.
nlohmann::json EventDetailJson(nlohmann::json event, const std::vector<NotificationRow>& notifications) {
  event["notifications"] = nlohmann::json::array();
  event["suggested_hypothesis"] = nullptr;
  for (auto n = notifications.rbegin(); n != notifications.rend(); ++n) {
    nlohmann::json j = NotificationToJson(*n);
    event["notifications"].push_back({{"id", j["id"]}, {"community", j["community"]}, {"status", j["status"]},
                                      {"signal", j["signal"]}, {"created_at", j["created_at"]}});
    if (event["suggested_hypothesis"].is_null() && !n->suggested_hypothesis.empty()) event["suggested_hypothesis"] = n->suggested_hypothesis;
  }
  return event;
}

}  // namespace

void AdminApi::AddWatcherRoutes() {
  AddRoute({"GET", "/api/v1/watchers", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>&) {
              return ApiJson(200, {{"items", WatchersStatusJson(db, *config_())}});
            }});
  AddRoute({"GET", "/api/v1/watchers/:name", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              auto config = config_();
              const nlohmann::json* w = FindRunningWatcher(*config, p[0]);
              if (w == nullptr) return ApiError(404, "no watcher named \"" + p[0] + "\"");
              auto status = WatcherStatusJson(db, *w, *config);
              status["config"] = RedactSecrets(*w);
              return ApiJson(200, status);
            }});
  AddRoute({"POST", "/api/v1/watchers/:name/run", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              auto config = config_();
              const nlohmann::json* w = FindRunningWatcher(*config, p[0]);
              if (w == nullptr) return ApiError(404, "no watcher named \"" + p[0] + "\"");
              std::string kind = RunKindOf(w->value("type", ""));
              if (kind.empty())
                return ApiError(409, "watcher " + p[0] + " is a " + w->value("type", "") +
                                         " watcher; only literature, scheduled and log watchers poll");
              std::string name = w->value("name", "");  // a platform row runs under its id
              JobSpec job{.kind = kind, .args = {{"watcher", name}, {"manual", true}}, .max_attempts = 3, .unique_key = "run:" + name};
              auto r = engine_ ? engine_->Enqueue(db, {job}) : EnqueueJobs(db, {job}, std::chrono::system_clock::now());
              if (!r.ok()) return ApiError(503, r.error());
              return ApiJson(202, {{"job_id", (*r)[0].id}, {"already_queued", !(*r)[0].inserted}});
            }});
}

void AdminApi::AddEventAndJobRoutes() {
  AddRoute({"GET", "/api/v1/events", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              auto filter = EventFilterFrom(req);
              if (!filter.ok()) return ApiError(400, filter.error());
              auto events = ListEvents(db, *filter);
              if (!events.ok()) return ApiError(500, events.error());
              return ApiJson(200, Page(std::move(*events), filter->limit - 1, [](const nlohmann::json& e) { return e["id"]; }));
            }});
  AddRoute({"GET", "/api/v1/events/:id", [](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              if (!LooksLikeUuid(p[0])) return ApiError(404, "no event " + p[0]);
              auto events = ListEvents(db, EventFilter{.limit = 1, .include_raw = true, .id = p[0]});
              if (!events.ok()) return ApiError(500, events.error());
              if (events->empty()) return ApiError(404, "no event " + p[0]);
              auto notifications = ListNotifications(db, NotificationFilter{.limit = 100, .event_id = p[0]});
              if (!notifications.ok()) return ApiError(500, notifications.error());
              return ApiJson(200, EventDetailJson(std::move(events->front()), *notifications));
            }});
  AddRoute({"GET", "/api/v1/jobs", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              auto filter = JobFilterFrom(req);
              if (!filter.ok()) return ApiError(400, filter.error());
              auto jobs = ListJobs(db, *filter);
              if (!jobs.ok()) return ApiError(500, jobs.error());
              std::vector<nlohmann::json> items;
              for (const auto& j : *jobs) items.push_back(JobToJson(j));
              return ApiJson(200, Page(std::move(items), filter->limit - 1,
                                       [](const nlohmann::json& j) { return std::to_string(j["id"].get<int64_t>()); }));
            }});
  auto job_id = [](const std::string& text) -> int64_t { return text.find_first_not_of("0123456789") == std::string::npos ? std::atoll(text.c_str()) : 0; };
  AddRoute({"GET", "/api/v1/jobs/:id", [job_id](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              auto job = GetJob(db, job_id(p[0]));
              if (!job.ok()) return ApiError(500, job.error());
              if (!*job) return ApiError(404, "no job " + p[0]);
              return ApiJson(200, JobToJson(**job));
            }});
  for (const char* action : {"retry", "cancel"}) {
    bool retry = std::string(action) == "retry";
    AddRoute({"POST", std::string("/api/v1/jobs/:id/") + action, [job_id, retry, this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
                int64_t id = job_id(p[0]);
                auto job = GetJob(db, id);
                if (!job.ok()) return ApiError(500, job.error());
                if (!*job) return ApiError(404, "no job " + p[0]);
                auto now = std::chrono::system_clock::now();
                Status s = retry ? RetryJob(db, id, now) : CancelJob(db, id, now);
                if (!s.ok()) return ApiError(409, s.message());
                if (retry && engine_) engine_->Wake();
                return ApiJson(200, JobToJson(**GetJob(db, id)));
              }});
  }
}

}  // namespace vigil

// The notification routes of AdminApi (see admin_api.h): list with filters, get one, and move one
// through its lifecycle (pending, read, acted, dismissed) with PATCH. Handlers run on the DbThread.
#include "common/iso8601.h"
#include "common/json_depth.h"
#include "daemon/admin_api.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

bool KnownSignal(const std::string& s) { return s.empty() || s == "low" || s == "medium" || s == "high"; }

// A PATCH body: {"status": "read|acted|dismissed|pending", "action_taken": "..."}.
struct StatusChange {
  std::string status;
  std::string action;
};

Result<StatusChange> ParseStatusChange(const HttpRequest& req) {
  if (!JsonDepthAllowed(req.body)) return Status::Error("the body: " + JsonTooDeepMessage());
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Status::Error("the body is not JSON");
  if (!body.is_object()) return Status::Error("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "status" && key != "action_taken") return Status::Error("unknown field \"" + key + "\" (expected status, action_taken)");
    if (!value.is_string()) return Status::Error(key + " must be a string");
  }
  StatusChange c{body.value("status", ""), body.value("action_taken", "")};
  if (c.status.empty()) return Status::Error("status is required (read, acted, dismissed or pending)");
  if (c.status != "pending" && c.status != "read" && c.status != "acted" && c.status != "dismissed")
    return Status::Error("unknown status \"" + c.status + "\" (expected read, acted, dismissed or pending)");
  if (!c.action.empty() && c.status != "acted") return Status::Error("action_taken goes with status acted");
  if (Status s = CheckActionTaken(c.action); !s.ok()) return s;
  return c;
}

Result<NotificationFilter> FilterFrom(const HttpRequest& req) {
  auto limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  NotificationFilter f{QueryParam(req, "status"), QueryParam(req, "community"), *limit + 1};
  f.watcher = QueryParam(req, "watcher");
  f.signal = QueryParam(req, "signal");
  f.after = QueryParam(req, "cursor");
  if (!f.status.empty() && f.status != "pending" && f.status != "read" && f.status != "acted" && f.status != "dismissed")
    return Status::Error("status must be pending, read, acted or dismissed");
  if (!KnownSignal(f.signal)) return Status::Error("signal must be low, medium or high");
  if (!f.after.empty() && !LooksLikeUuid(f.after)) return Status::Error("malformed cursor");
  if (std::string since = QueryParam(req, "since"); !since.empty()) {
    auto t = ParseIso8601(since);
    if (!t.ok()) return Status::Error("since: " + t.error());
    f.since = *t;
  }
  return f;
}

HttpResponse OneNotification(SqlConnection& db, const std::string& id) {
  auto n = GetNotification(db, id);
  if (!n.ok()) return ApiError(500, n.error());
  if (!*n) return ApiError(404, "no notification " + id);
  return ApiJson(200, NotificationToJson(**n));
}

}  // namespace

void AdminApi::AddNotificationRoutes() {
  AddRoute({"GET", "/api/v1/notifications", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              auto filter = FilterFrom(req);
              if (!filter.ok()) return ApiError(400, filter.error());
              auto list = ListNotifications(db, *filter);
              if (!list.ok()) return ApiError(500, list.error());
              std::vector<nlohmann::json> items;
              for (const auto& n : *list) items.push_back(NotificationToJson(n));
              return ApiJson(200, Page(std::move(items), filter->limit - 1, [](const nlohmann::json& n) { return n["id"]; }));
            }});
  AddRoute({"GET", "/api/v1/notifications/:id", [](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              return OneNotification(db, p[0]);
            }});
  AddRoute({"PATCH", "/api/v1/notifications/:id", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>& p) {
              auto change = ParseStatusChange(req);
              if (!change.ok()) return ApiError(400, change.error());
              Status s = SetNotificationStatus(db, p[0], change->status, change->action, std::chrono::system_clock::now());
              if (!s.ok()) return s.message() == "no notification " + p[0] ? ApiError(404, s.message()) : ApiError(500, s.message());
              return OneNotification(db, p[0]);
            }});
}

}  // namespace vigil

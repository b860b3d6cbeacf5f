// The notification routes of AdminApi (see admin_api.h): list with filters, get one, and move one
// through its lifecycle (pending, read, acted, dismissed) with PATCH. Handlers run on the DbThread.
#include "common/iso8601.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/admin_query.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

HttpResponse OneNotification(SqlConnection& db, const std::string& id) {
  auto n = GetNotification(db, id);
  if (!n.ok()) return ApiError(500, n.error());
  if (!*n) return ApiError(404, "no notification " + id);
  return ApiJson(200, NotificationToJson(**n));
}

}  // namespace

void AdminApi::AddNotificationRoutes() {
  AddRoute({"GET", "/api/v1/notifications", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              auto filter = NotificationFilterFrom(req);
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
              auto change = NotificationStatusChangeFrom(req);
              if (!change.ok()) return ApiError(400, change.error());
              Status s = SetNotificationStatus(db, p[0], change->status, change->action, std::chrono::system_clock::now());
              if (!s.ok()) return s.message() == "no notification " + p[0] ? ApiError(404, s.message()) : ApiError(500, s.message());
              return OneNotification(db, p[0]);
            }});
}

}  // namespace vigil

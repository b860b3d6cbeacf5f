#include "daemon/admin/watcher_row_routes.h"

#include "common/json_depth.h"
#include "daemon/admin/admin_query.h"
#include "daemon/platform_watchers.h"
#include "store/watcher_repo.h"

namespace vigil {
namespace {

using Yaml = std::function<std::shared_ptr<const Config>()>;

HttpResponse YamlWatcher(const std::string& name) {
  return ApiError(409, "watcher \"" + name + "\" is defined in the YAML; change it there (and reload)");
}

// The row after `changes`, checked as the daemon will run it; or the answer that refuses it.
Result<PlatformWatcherRow> Checked(const Yaml& yaml, PlatformWatcherRow row, const std::string& body, bool creating,
                                   HttpResponse* refused) {
  auto changes = ParseJsonBounded(body);
  if (!changes.ok()) {
    *refused = ApiError(400, "the body is not JSON: " + changes.error());
    return changes.status();
  }
  auto changed = ApplyRowChanges(std::move(row), *changes, creating);
  if (!changed.ok()) {
    *refused = ApiError(400, changed.error());
    return changed.status();
  }
  bool shadowed = false;
  if (Status s = CheckWatcherRow(yaml(), *changed, &shadowed); !s.ok()) {
    *refused = ApiError(shadowed ? 409 : 400, s.message());
    return s;
  }
  return changed;
}

HttpResponse Saved(SqlConnection& db, const PlatformWatcherRow& row, int status) {
  auto saved = SavePlatformWatcherRow(db, row, std::chrono::system_clock::now());
  if (!saved.ok()) return ApiError(503, saved.error());
  auto stored = FindPlatformWatcherRow(db, *saved);
  if (!stored.ok() || !*stored) return ApiError(500, "the row was written but cannot be read back");
  return ApiJson(status, WatcherRowJson(**stored));
}

}  // namespace

std::vector<ApiRoute> WatcherRowRoutes(Yaml yaml) {
  std::vector<ApiRoute> routes;
  routes.push_back({"POST", "/api/v1/watchers", [yaml](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
                      HttpResponse refused;
                      auto row = Checked(yaml, PlatformWatcherRow{.enabled = true}, req.body, true, &refused);
                      if (!row.ok()) return refused;
                      return Saved(db, *row, 201);
                    }});
  routes.push_back({"PATCH", "/api/v1/watchers/:name", [yaml](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>& p) {
                      if (IsYamlWatcher(*yaml(), p[0])) return YamlWatcher(p[0]);
                      auto found = FindPlatformWatcherRow(db, p[0]);
                      if (!found.ok()) return ApiError(503, found.error());
                      if (!*found) return ApiError(404, "no platform watcher row \"" + p[0] + "\"");
                      HttpResponse refused;
                      auto row = Checked(yaml, **found, req.body, false, &refused);
                      if (!row.ok()) return refused;
                      return Saved(db, *row, 200);
                    }});
  routes.push_back({"DELETE", "/api/v1/watchers/:name", [yaml](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>& p) {
                      if (IsYamlWatcher(*yaml(), p[0])) return YamlWatcher(p[0]);
                      std::string purge = QueryParam(req, "purge");
                      if (!purge.empty() && purge != "true" && purge != "false") return ApiError(400, "purge: expected true or false");
                      auto found = FindPlatformWatcherRow(db, p[0]);
                      if (!found.ok()) return ApiError(503, found.error());
                      if (!*found) return ApiError(404, "no platform watcher row \"" + p[0] + "\"");
                      auto removed = RemovePlatformWatcherRow(db, (*found)->id, purge == "true", std::chrono::system_clock::now());
                      if (!removed.ok()) return ApiError(503, removed.error());
                      nlohmann::json out = {{"id", (*found)->id}, {"name", (*found)->name}, {"deleted", removed->deleted},
                                            {"disabled", removed->disabled}, {"events", removed->events},
                                            {"notifications", removed->notifications}};
                      if (removed->disabled)
                        out["message"] = "it has " + std::to_string(removed->events) + " events and " +
                                         std::to_string(removed->notifications) +
                                         " notifications: disabled and kept; ?purge=true removes it with them";
                      return ApiJson(200, out);
                    }});
  return routes;
}

}  // namespace vigil

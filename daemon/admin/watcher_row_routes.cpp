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

// `message` without the row's label ("watcher row "x" (id): "), as CheckWatcherRow names it.
std::string WithoutLabel(const PlatformWatcherRow& row, const std::string& message) {
  std::string label = "watcher row \"" + row.name + "\" (" + (row.id.empty() ? "new" : row.id) + "): ";
  return message.rfind(label, 0) == 0 ? message.substr(label.size()) : message;
}

// The key path a message starts with ("schedule" of "schedule: field 2 ..."), or "" when it does
// not start with one.
std::string LeadingKey(const std::string& message) {
  size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  std::string key = message.substr(0, colon);
  return key.find_first_of(" \"'") == std::string::npos ? key : "";
}

bool RowConfigHas(const PlatformWatcherRow& row, const std::string& key) {
  auto config = ParseJsonBounded(row.config.empty() ? "{}" : row.config);
  return config.ok() && config->is_object() && config->contains(key);
}

HttpResponse Refusal(int status, const std::string& message, const std::string& field) {
  nlohmann::json body = {{"error", message}};
  if (!field.empty()) body["field"] = field;
  return ApiJson(status, body);
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
    *refused = Refusal(400, changed.error(), BodyErrorField(*changes, changed.error()));
    return changed.status();
  }
  bool shadowed = false;
  if (Status s = CheckWatcherRow(yaml(), *changed, &shadowed); !s.ok()) {
    *refused = Refusal(shadowed ? 409 : 400, s.message(), shadowed ? "name" : CheckErrorField(*changed, s.message()));
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

std::string BodyErrorField(const nlohmann::json& body, const std::string& message) {
  if (message == "a new watcher needs a name and a type")
    return body.is_object() && body.value("name", nlohmann::json()).is_string() && !body["name"].get<std::string>().empty() ? "type" : "name";
  return LeadingKey(message);
}

std::string CheckErrorField(const PlatformWatcherRow& row, const std::string& message) {
  std::string rest = WithoutLabel(row, message);
  if (rest.rfind("watcher_type ", 0) == 0) return "type";
  if (rest.rfind("the YAML defines a watcher named", 0) == 0) return "name";
  std::string key = LeadingKey(rest);
  std::string top = key.substr(0, key.find_first_of(".["));
  if (top.empty()) return "";
  for (const char* column : {"name", "type", "community", "description", "query", "config"}) {
    if (top == column) return top;
  }
  if (top == "every" && !RowConfigHas(row, "every")) return "poll_interval_seconds";
  return "config." + top;
}

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

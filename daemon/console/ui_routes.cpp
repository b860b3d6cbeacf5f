#include "daemon/console/ui_routes.h"

#include <algorithm>

#include "daemon/console/console_assets.h"

namespace vigil {
namespace {

constexpr std::string_view kPrefix = "/ui/";

// RFC 9110 13.1.2: If-None-Match is "*" or a list of entity tags, compared weakly.
bool EtagListed(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

HttpResponse NotFound() {
  auto res = HttpResponse::Text(404, "not found\n");
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

}  // namespace

const ConsoleAsset* FindConsoleAsset(std::string_view path) {
  const auto& all = ConsoleAssets();
  auto it = std::lower_bound(all.begin(), all.end(), path, [](const ConsoleAsset& a, std::string_view p) { return a.path < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

HttpResponse ConsoleResponse(std::string_view path, const std::string* if_none_match) {
  if (path == "/ui") {
    HttpResponse res;
    res.status = 301;
    res.headers.emplace_back("Location", std::string(kPrefix));
    return res;
  }
  if (!path.starts_with(kPrefix)) return NotFound();
  std::string_view rel = path.substr(kPrefix.size());
  if (rel.empty()) rel = "index.html";
  const ConsoleAsset* asset = FindConsoleAsset(rel);
  if (asset == nullptr) return NotFound();
  HttpResponse res;
  res.headers.emplace_back("ETag", std::string(asset->etag));
  res.headers.emplace_back("Cache-Control", "no-cache");
  if (if_none_match != nullptr && EtagListed(*if_none_match, asset->etag)) {
    res.status = 304;
    return res;
  }
  res.headers.emplace_back("Content-Type", std::string(asset->content_type));
  res.body.assign(asset->bytes);
  return res;
}

void AddConsoleRoutes(Router& router) {
  auto serve = [](HttpRequest&& req, Responder respond) { respond(ConsoleResponse(req.path, req.Header("If-None-Match"))); };
  router.Add("GET", "/ui", serve, "/ui");
  router.Add("GET", "/ui/", serve, "/ui/*");
  router.Add("GET", "/ui/*", serve, "/ui/*");
}

}  // namespace vigil

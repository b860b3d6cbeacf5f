#include "daemon/http/router.h"

#include <chrono>

#include "common/ascii.h"
#include "common/metrics.h"

namespace vigil {
namespace {

// Every answer of the listener forbids what a page of it (the console) never needs: script or style
// from elsewhere or inline, framing, and sending the URL on as a referrer. A handler's own value of
// one of these headers stands.
void AddSecurityHeaders(HttpResponse& res) {
  static const std::pair<const char*, const char*> kHeaders[] = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Content-Type-Options", "nosniff"},
  };
  for (const auto& [name, value] : kHeaders) {
    bool present = false;
    for (const auto& h : res.headers) present = present || EqualsIgnoreAsciiCase(h.first, name);
    if (!present) res.headers.emplace_back(name, value);
  }
}

}  // namespace

void Router::Add(const std::string& method, const std::string& path, HttpHandler handler, std::string route) {
  bool prefix = !path.empty() && path.back() == '*';
  std::string p = prefix ? path.substr(0, path.size() - 1) : path;
  routes_.push_back({method, p, prefix, route.empty() ? path : std::move(route), std::move(handler)});
}

bool Router::PathMatches(const Route& r, const std::string& path) const {
  return r.prefix ? path.starts_with(r.path) && path.size() > r.path.size() : path == r.path;
}

void Router::Handle(HttpRequest&& req, Responder respond) const {
  const Route* match = nullptr;
  std::string allow;
  for (const auto& r : routes_) {
    if (!PathMatches(r, req.path)) continue;
    if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
      match = &r;
      break;
    }
    allow += (allow.empty() ? "" : ", ") + r.method;
  }
  auto start = std::chrono::steady_clock::now();
  std::string name = match ? match->name : (allow.empty() ? "unmatched" : "method_not_allowed");
  bool head = req.method == "HEAD";
  Responder counted = [respond = std::move(respond), name, start, head](HttpResponse res) {
    Metrics::Global().Inc("vigil_http_requests_total", {{"route", name}, {"code", std::to_string(res.status)}});
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Metrics::Global().Observe("vigil_http_request_duration_seconds", {{"route", name}}, secs);
    if (head) res.body.clear();
    AddSecurityHeaders(res);
    respond(std::move(res));
  };
  if (match) {
    match->handler(std::move(req), std::move(counted));
  } else if (!allow.empty()) {
    auto res = HttpResponse::Json(405, R"({"error":"method not allowed"})");
    res.headers.emplace_back("Allow", allow);
    counted(std::move(res));
  } else {
    counted(HttpResponse::Json(404, R"({"error":"not found"})"));
  }
}

}  // namespace vigil

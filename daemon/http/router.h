// Router: maps (method, path) to handlers, answers 404 for unknown paths and 405 (with Allow)
// for known paths with other methods, counts requests by route and status code, and adds the
// security headers every answer carries (Content-Security-Policy, X-Frame-Options, ...).
//
// Threads: loop thread only. Routes are added before serving.
#pragma once

#include <string>
#include <vector>

#include "common/http/http_types.h"

namespace vigil {

class Router {
 public:
  // `path` is exact ("/healthz") or a prefix when it ends in '*' ("/hooks/*"). `route` names the
  // route in metrics (defaults to the path).
  void Add(const std::string& method, const std::string& path, HttpHandler handler, std::string route = "");

  // Dispatches; the response passes through the metrics counter on its way out.
  void Handle(HttpRequest&& req, Responder respond) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix;
    std::string name;
    HttpHandler handler;
  };
  bool PathMatches(const Route& r, const std::string& path) const;
  std::vector<Route> routes_;
};

}  // namespace vigil

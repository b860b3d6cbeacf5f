// Plain request/response values shared by the HTTP server, the router and handlers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

struct HttpRequest {
  std::string method;     // "GET", "POST", ...
  std::string target;     // raw request target: "/hooks/gh?x=1"
  std::string path;       // target up to '?', percent-decoding not applied
  std::string query;      // after '?', without it; empty if none
  std::vector<std::pair<std::string, std::string>> headers;  // names as received
  std::string body;
  std::string remote_addr;  // peer IP as text ("127.0.0.1", "::1")

  // First header with this name, compared case-insensitively; nullptr if absent.
  const std::string* Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

// Answers a request. Must be called exactly once, on the loop thread; it may be called after the
// handler has returned (a webhook answers once its event is committed).
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest&&, Responder)>;

const char* HttpReasonPhrase(int status);

}  // namespace vigil

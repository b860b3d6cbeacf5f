#include "daemon/admin/admin_api.h"

#include <spdlog/spdlog.h>

#include "daemon/admin/console_session.h"
#include "sources/webhook/request_values.h"

namespace vigil {
namespace {

// Matches "/api/v1/jobs/:id/retry" against a path; fills the ":x" segments.
bool MatchPattern(const std::string& pattern, const std::string& path, std::vector<std::string>* params) {
  auto split = [](const std::string& s) {
    std::vector<std::string> parts;
    size_t start = 1;
    while (start <= s.size()) {
      size_t slash = s.find('/', start);
      if (slash == std::string::npos) slash = s.size();
      parts.push_back(s.substr(start, slash - start));
      start = slash + 1;
    }
    return parts;
  };
  auto p = split(pattern), q = split(path);
  if (p.size() != q.size()) return false;
  params->clear();
  for (size_t i = 0; i < p.size(); ++i) {
    if (!p[i].empty() && p[i][0] == ':') {
      if (q[i].empty()) return false;
      params->push_back(PercentDecode(q[i], false));
    } else if (p[i] != q[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

HttpResponse ApiError(int status, const std::string& message) { return ApiJson(status, {{"error", message}}); }

HttpResponse ApiJson(int status, const nlohmann::json& body) {
  return HttpResponse::Json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

AdminApi::AdminApi(DbThread& db, LoopPoster& poster, std::function<std::shared_ptr<const Config>()> config, JobEngine* engine)
    : db_(db), poster_(poster), config_(std::move(config)), engine_(engine) {
  AddWatcherRoutes();
  AddEventAndJobRoutes();
  AddStatusRoute();
  AddNotificationRoutes();
  AddPauseRoutes();
  AddOverviewRoutes();
  AddScheduleAndDigestRoutes();
}

void AdminApi::Register(Router& router) {
  for (const char* method : {"GET", "POST", "PATCH", "DELETE"}) {
    router.Add(method, "/api/v1/*", [this](HttpRequest&& req, Responder respond) { Handle(std::move(req), std::move(respond)); },
               "/api/v1");
  }
}

bool AdminApi::BearerValid(const std::string& authorization, const std::string& token, std::string* why) const {
  if (authorization.rfind("Bearer ", 0) != 0) {
    *why = "missing bearer token";
    return false;
  }
  if (!ApiTokenMatches(authorization.substr(7), token)) {
    *why = "invalid bearer token";
    return false;
  }
  return true;
}

void AdminApi::Handle(HttpRequest&& req, Responder respond) {
  auto unauthorized = [&respond](const std::string& why) {
    auto res = ApiError(401, why);
    res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"vigil\"");
    respond(std::move(res));
  };
  auto config = config_();
  auto request = std::make_shared<HttpRequest>(std::move(req));
  if (request->path == "/api/v1/session") {
    return db_.Submit([this, config, request, respond = std::move(respond)](SqlConnection* conn) mutable {
      HttpResponse res = SessionRoute(conn, *request, *config);
      poster_.Post([respond = std::move(respond), res = std::move(res)]() mutable { respond(std::move(res)); });
    });
  }
  std::string token = config->GetString("api.token");
  if (token.empty()) return unauthorized("the admin API is disabled: set api.token in the config");
  if (const std::string* auth = request->Header("Authorization")) {
    std::string why;
    if (!BearerValid(*auth, token, &why)) return unauthorized(why);
    return Dispatch(std::move(*request), std::move(respond));
  }
  auto cookie = RequestCookie(*request, kSessionCookie);
  if (!cookie) return unauthorized("missing bearer token");
  db_.Submit([this, request, token, cookie = *cookie, respond = std::move(respond)](SqlConnection* conn) mutable {
    auto refused = CheckSession(conn, *request, token, cookie, nullptr);
    poster_.Post([this, request, refused = std::move(refused), respond = std::move(respond)]() mutable {
      if (refused) return respond(std::move(*refused));
      Dispatch(std::move(*request), std::move(respond));
    });
  });
}

void AdminApi::Dispatch(HttpRequest&& req, Responder respond) {
  std::vector<std::string> params;
  const ApiRoute* found = nullptr;
  bool path_known = false;
  for (const auto& r : routes_) {
    std::vector<std::string> p;
    if (!MatchPattern(r.pattern, req.path, &p)) continue;
    path_known = true;
    if (r.method == req.method) {
      found = &r;
      params = std::move(p);
      break;
    }
  }
  if (found == nullptr) return respond(path_known ? ApiError(405, "method not allowed") : ApiError(404, "no such API path"));
  if (found->on_loop) return found->on_loop(req, std::move(respond));
  auto request = std::make_shared<HttpRequest>(std::move(req));
  DbThread& runner = found->runs_on != nullptr ? *found->runs_on : db_;
  runner.Submit([this, found, request, params, respond = std::move(respond)](SqlConnection* conn) mutable {
    HttpResponse res;
    if (conn == nullptr) {
      res = ApiError(503, "database unavailable");
      res.headers.emplace_back("Retry-After", "5");
    } else {
      try {
        res = found->handler(*conn, *request, params);
      } catch (const std::exception& e) {
        spdlog::error("admin API {} {}: {}", request->method, request->path, e.what());
        res = ApiError(500, "internal error");
      }
    }
    poster_.Post([respond = std::move(respond), res = std::move(res)]() mutable { respond(std::move(res)); });
  });
}

}  // namespace vigil

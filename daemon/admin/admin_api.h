// AdminApi: the operator's HTTP API under /api/v1 (a bearer token, or the console's session cookie
// with its CSRF token: console_session_routes.cpp; JSON everywhere).
//   GET|POST|DELETE /api/v1/session          the console's sign-in and sign-out
//   GET  /api/v1/watchers                    watchers with last poll, next poll, last error, event count
//   GET  /api/v1/watchers/<name>
//   POST /api/v1/watchers/<name>/run         poll a literature watcher now
//   POST /api/v1/watchers; PATCH|DELETE /api/v1/watchers/<id-or-name>   the platform's watcher rows
//                                            (watcher_row_routes.h)
//   POST /api/v1/watchers/<name>/test        a dry poll, storing nothing (watcher_test_route.h)
//   GET  /api/v1/events?watcher=&signal=&since=&until=&q=&limit=&cursor=;  GET /api/v1/events/<id>
//   GET  /api/v1/jobs?state=&kind=&queue=&limit=&cursor=
//   GET  /api/v1/jobs/<id>;  POST /api/v1/jobs/<id>/retry;  POST /api/v1/jobs/<id>/cancel
//   POST /api/v1/jobs/retry {"kind", "state": "discarded"}   every discarded job of a kind runs again
//   GET|POST /api/v1/pauses;  DELETE /api/v1/pauses/<kind|queue>/<name>   paused kinds and queues
//                                            (pause_routes.cpp)
//   GET  /api/v1/notifications?status=&community=&watcher=&signal=&since=&limit=&cursor=
//   GET  /api/v1/notifications/<id>;  PATCH /api/v1/notifications/<id> {"status", "action_taken"}
//   POST /api/v1/notifications/<id>/create-thread   a person's approval: the platform opens the thread
//   GET  /api/v1/status                      version, uptime, watchers, queues, last notifications
//   GET  /api/v1/overview                    watchers' health, queues, failing jobs, pauses, 24 h counts
//   GET  /api/v1/stats?of=&range=&by=        events or notifications per hour (overview_routes.cpp)
//   GET  /api/v1/schedules;  GET /api/v1/digests, /api/v1/digests/<id>;  POST /api/v1/digests/send
//                                            (schedule_digest_routes.cpp)
//   POST /api/v1/reload                      re-read the config file, as SIGHUP does (reload_route.h)
//   GET  /api/v1/stream                      the live stream, Server-Sent Events (stream_hub.h)
// Lists answer {"items": [...], "next_cursor": "..."} (no cursor on the last page); errors answer
// 4xx/5xx with {"error": "..."}.
//
// Threads: Handle runs on the loop thread; every database call runs on the request-path
// DbThread, or on the DbThread its route names (a route that waits on another server, so that
// /readyz and the other routes never wait behind it), and answers come back through the LoopPoster.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/http/http_types.h"
#include "common/status.h"
#include "config/config.h"
#include "daemon/http/loop_poster.h"
#include "daemon/http/router.h"
#include "store/db_thread.h"

namespace vigil {

class JobEngine;
struct ConsoleSession;

// A route of the API: method, path pattern ("/api/v1/jobs/:id/retry") and its handler, run on
// the DbThread with the captured path parameters; it returns the response.
struct ApiRoute {
  std::string method;
  std::string pattern;
  std::function<HttpResponse(SqlConnection&, const HttpRequest&, const std::vector<std::string>& params)> handler;
  DbThread* runs_on = nullptr;  // null: the API's request-path DbThread
  // Instead of `handler`: a route the loop answers itself, at once or later (a reload, which runs
  // on the loop as SIGHUP's does). Called on the loop thread after the token check; it calls the
  // responder exactly once, on the loop thread.
  std::function<void(const HttpRequest&, Responder)> on_loop;
};

class AdminApi {
 public:
  AdminApi(DbThread& db, LoopPoster& poster, std::function<std::shared_ptr<const Config>()> config, JobEngine* engine);
  // Registers /api/v1/* for GET, POST, PATCH and DELETE on the router.
  void Register(Router& router);
  // More routes (notifications, status, ...) from other rooms.
  void AddRoute(ApiRoute route) { routes_.push_back(std::move(route)); }

 private:
  // Checks who asks (a bearer token on the loop; a console session on the DbThread, then back on
  // the loop), then Dispatch runs the route.
  void Handle(HttpRequest&& req, Responder respond);
  void Dispatch(HttpRequest&& req, Responder respond);
  bool BearerValid(const std::string& authorization, const std::string& token, std::string* why) const;
  // console_session_routes.cpp: /api/v1/session, and the check of a session cookie (nullopt when
  // it holds; else the 401/403/503 to answer). DbThread.
  HttpResponse SessionRoute(SqlConnection* db, const HttpRequest& req, const Config& config);
  std::optional<HttpResponse> CheckSession(SqlConnection* db, const HttpRequest& req, const std::string& token,
                                           const std::string& cookie, ConsoleSession* session);
  Result<std::string> SigningKey(SqlConnection& db, const std::string& token);
  // False once a peer failed to sign in 10 times within a minute; `failed` counts one more failure.
  bool SignInAllowed(const std::string& peer, bool failed);
  void AddWatcherRoutes();
  void AddEventAndJobRoutes();
  void AddStatusRoute();
  void AddNotificationRoutes();
  void AddPauseRoutes();
  void AddOverviewRoutes();  // overview_routes.cpp
  void AddScheduleAndDigestRoutes();

  DbThread& db_;
  LoopPoster& poster_;
  std::function<std::shared_ptr<const Config>()> config_;
  JobEngine* engine_;
  std::vector<ApiRoute> routes_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::mutex key_mu_;        // guards the two below (DbThreads)
  std::string daemon_key_;  // the database's console_session key, read once
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, int>> failed_sign_ins_;
};

// Helpers for route handlers.
HttpResponse ApiError(int status, const std::string& message);
HttpResponse ApiJson(int status, const nlohmann::json& body);

// One page of a list: `items` holds limit + 1 fetched items (the extra one tells that there is a
// next page); answers {"items": [...first limit...], "next_cursor": cursor_of(last item)}.
template <class T, class CursorOf>
nlohmann::json Page(std::vector<T> items, int limit, CursorOf cursor_of) {
  nlohmann::json out = {{"items", nlohmann::json::array()}};
  bool more = static_cast<int>(items.size()) > limit;
  if (more) items.resize(limit);
  for (auto& i : items) out["items"].push_back(i);
  if (more && !items.empty()) out["next_cursor"] = cursor_of(items.back());
  return out;
}

}  // namespace vigil

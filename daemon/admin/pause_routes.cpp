// The pause and bulk-retry routes of AdminApi (see admin_api.h), for the console and the API:
//   GET    /api/v1/pauses                     {"items": [pause...], "kinds": [...], "queues": [...]}
//   POST   /api/v1/pauses {"kind"|"queue", "note"}   pause a job kind or a queue
//   DELETE /api/v1/pauses/kind/<name>, /api/v1/pauses/queue/<name>   resume it
//   POST   /api/v1/jobs/retry {"kind", "state": "discarded"}   every discarded job of the kind runs again
// Pauses live in the database (store/job_pause_repo.h): every daemon sharing it honours them
// within a second. Handlers run on the DbThread.
#include <algorithm>

#include "common/json_depth.h"
#include "daemon/admin/admin_api.h"
#include "jobs/engine/job_engine.h"
#include "store/db_time.h"
#include "store/job_pause_repo.h"

namespace vigil {
namespace {

// The body of a POST, as an object; false with `refused` set when it is not one or has a key
// other than `keys`.
bool BodyObject(const HttpRequest& req, const std::vector<std::string>& keys, nlohmann::json* body, HttpResponse* refused) {
  auto parsed = ParseJsonBounded(req.body);
  if (!parsed.ok() || !parsed->is_object()) {
    *refused = ApiError(400, "the body must be a JSON object with " + nlohmann::json(keys).dump());
    return false;
  }
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end() || !it.value().is_string()) {
      *refused = ApiError(400, "\"" + it.key() + "\": expected one of " + nlohmann::json(keys).dump() + ", each a string");
      return false;
    }
  }
  *body = std::move(*parsed);
  return true;
}

}  // namespace

void AdminApi::AddPauseRoutes() {
  AddRoute({"GET", "/api/v1/pauses", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>&) {
              auto pauses = ListJobPauses(db);
              if (!pauses.ok()) return ApiError(500, pauses.error());
              nlohmann::json items = nlohmann::json::array();
              for (const auto& p : *pauses) items.push_back(JobPauseToJson(p));
              return ApiJson(200, {{"items", items},
                                   {"kinds", engine_ ? engine_->KindNames() : std::vector<std::string>{}},
                                   {"queues", engine_ ? engine_->QueueNames() : std::vector<std::string>{}}});
            }});
  AddRoute({"POST", "/api/v1/pauses", [this](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              nlohmann::json body;
              HttpResponse refused;
              if (!BodyObject(req, {"kind", "queue", "note"}, &body, &refused)) return refused;
              if (body.contains("kind") == body.contains("queue")) return ApiError(400, "give either \"kind\" or \"queue\"");
              if (!engine_) return ApiError(503, "no job engine runs in this daemon");
              std::string scope = body.contains("kind") ? "kind" : "queue";
              std::string name = body[scope];
              std::string unknown = UnknownPauseTarget(scope, name, scope == "kind" ? engine_->KindNames() : engine_->QueueNames());
              if (!unknown.empty()) return ApiError(400, unknown);
              JobPause pause{scope, name, ToMicros(std::chrono::system_clock::now()), "api", body.value("note", "")};
              auto paused = PauseJobs(db, pause);
              if (!paused.ok()) return ApiError(503, paused.error());
              engine_->PausesChanged();
              if (*paused) return ApiJson(201, JobPauseToJson(pause));
              auto all = ListJobPauses(db);
              if (!all.ok()) return ApiError(503, all.error());
              for (const auto& p : *all) {
                if (p.scope == scope && p.name == name) {
                  auto out = JobPauseToJson(p);
                  out["already_paused"] = true;
                  return ApiJson(200, out);
                }
              }
              return ApiError(409, scope + " " + name + " was resumed while being paused");
            }});
  AddRoute({"DELETE", "/api/v1/pauses/:scope/:name", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              const auto& scopes = JobPauseScopes();
              if (std::find(scopes.begin(), scopes.end(), p[0]) == scopes.end())
                return ApiError(404, "no pause scope \"" + p[0] + "\"; scopes: kind, queue");
              auto resumed = ResumeJobs(db, p[0], p[1]);
              if (!resumed.ok()) return ApiError(503, resumed.error());
              if (!*resumed) return ApiError(404, p[0] + " " + p[1] + " is not paused");
              if (engine_) engine_->PausesChanged();
              return ApiJson(200, {{"scope", p[0]}, {"name", p[1]}, {"resumed", true}});
            }});
  AddRoute({"POST", "/api/v1/jobs/retry", [this](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              nlohmann::json body;
              HttpResponse refused;
              if (!BodyObject(req, {"kind", "state"}, &body, &refused)) return refused;
              if (!body.contains("kind")) return ApiError(400, "\"kind\" is required");
              if (body.value("state", "") != "discarded")
                return ApiError(400, "\"state\": only \"discarded\" jobs are retried in bulk; valid: discarded");
              std::string kind = body["kind"];
              if (engine_) {
                std::string unknown = UnknownPauseTarget("kind", kind, engine_->KindNames());
                if (!unknown.empty()) return ApiError(400, unknown);
              }
              auto retried = RetryDiscardedJobs(db, kind, std::chrono::system_clock::now());
              if (!retried.ok()) return ApiError(503, retried.error());
              if (engine_ && *retried > 0) engine_->Wake();
              return ApiJson(200, {{"kind", kind}, {"state", "discarded"}, {"retried", *retried}});
            }});
}

}  // namespace vigil

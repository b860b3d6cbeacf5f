// The schedule and digest routes of AdminApi (see admin_api.h). Handlers run on the DbThread.
//   GET  /api/v1/schedules                  every schedule the scheduler runs, with its next fire
//   GET  /api/v1/digests?community=&limit=&cursor=   digests sent, newest first
//   GET  /api/v1/digests/<id>               one in full
//   POST /api/v1/digests/send {"community"} 202 {"job_id"}: the `digest` job `vigil digests send` enqueues
#include <date/date.h>

#include "common/iso8601.h"
#include "common/json_depth.h"
#include "config/units.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/admin_query.h"
#include "jobs/deliver/digest_job.h"
#include "jobs/deliver/digest_message.h"
#include "jobs/engine/job_engine.h"
#include "jobs/schedule_config.h"
#include "store/digest_repo.h"
#include "store/job_pause_repo.h"

namespace vigil {
namespace {

// "2026-12-03 09:00 Europe/Paris": the fire's wall time in the schedule's zone.
std::string LocalFireText(TimePoint t, const date::time_zone* zone) {
  auto wall = date::floor<std::chrono::minutes>(ToLocalTime(t, zone));
  return date::format("%Y-%m-%d %H:%M", wall) + " " + (zone != nullptr ? std::string(zone->name()) : "UTC");
}

nlohmann::json ScheduleJson(const ScheduleSpec& s, const PausedWork& paused, TimePoint now) {
  auto next = Scheduler::NextFire(s, now);
  return {{"name", s.name},
          {"kind", s.job.kind},
          {"queue", s.job.queue},
          {"cron", s.cron ? nlohmann::json(s.cron->text()) : nlohmann::json(nullptr)},
          {"every", s.interval ? nlohmann::json(FormatDuration(s.interval->every)) : nlohmann::json(nullptr)},
          {"tz", s.zone != nullptr ? std::string(s.zone->name()) : "UTC"},
          {"catch_up", s.catch_up == CatchUp::kOne ? "one" : "skip"},
          {"next_fire_at", next ? nlohmann::json(FormatUtcZ(*next)) : nlohmann::json(nullptr)},
          {"next_fire_local", next ? nlohmann::json(LocalFireText(*next, s.zone)) : nlohmann::json(nullptr)},
          {"paused", paused.Holds(s.job.kind, s.job.queue)}};
}

// {"id", "community", "created_at", "headline", "items": N}: a digest as the list shows it.
nlohmann::json DigestSummaryJson(const DigestRow& d) {
  nlohmann::json full = DigestToJson(d);
  return {{"id", full["id"]}, {"community", full["community"]}, {"created_at", full["created_at"]},
          {"headline", DigestHeadline(d)}, {"items", full["item_count"]}};
}

// The community POST /api/v1/digests/send names; or the message of its 400.
Result<std::string> CommunityFrom(const std::string& body) {
  auto parsed = ParseJsonBounded(body);
  if (!parsed.ok()) return Status::Error("the body is not JSON: " + parsed.error());
  if (!parsed->is_object()) return Status::Error("the body must be a JSON object");
  for (const auto& [key, value] : parsed->items()) {
    if (key != "community") return Status::Error("unknown field \"" + key + "\" (expected community)");
    if (!value.is_string() || value.get<std::string>().empty()) return Status::Error("community must be a non-empty string");
  }
  if (!parsed->contains("community")) return Status::Error("community is required");
  return (*parsed)["community"].get<std::string>();
}

}  // namespace

void AdminApi::AddScheduleAndDigestRoutes() {
  AddRoute({"GET", "/api/v1/schedules", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>&) {
              auto schedules = SchedulesFrom(*config_());
              if (!schedules.ok()) return ApiError(500, schedules.error());
              auto paused = ReadPausedWork(db);
              if (!paused.ok()) return ApiError(503, paused.error());
              auto now = std::chrono::system_clock::now();
              nlohmann::json items = nlohmann::json::array();
              for (const auto& s : *schedules) items.push_back(ScheduleJson(s, *paused, now));
              return ApiJson(200, {{"items", items}});
            }});
  AddRoute({"GET", "/api/v1/digests", [](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              auto limit = LimitParam(req);
              if (!limit.ok()) return ApiError(400, limit.error());
              std::string cursor = QueryParam(req, "cursor");
              if (!cursor.empty() && !LooksLikeUuid(cursor)) return ApiError(400, "malformed cursor");
              auto digests = ListDigests(db, QueryParam(req, "community"), *limit + 1, cursor.empty() ? "" : db.IdOf(cursor));
              if (!digests.ok()) return ApiError(500, digests.error());
              std::vector<nlohmann::json> items;
              for (const auto& d : *digests) items.push_back(DigestSummaryJson(d));
              return ApiJson(200, Page(std::move(items), *limit, [](const nlohmann::json& d) { return d["id"]; }));
            }});
  AddRoute({"GET", "/api/v1/digests/:id", [](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
              if (!LooksLikeUuid(p[0])) return ApiError(404, "no digest " + p[0]);
              auto d = GetDigest(db, p[0]);
              if (!d.ok()) return ApiError(500, d.error());
              if (!*d) return ApiError(404, "no digest " + p[0]);
              nlohmann::json out = DigestToJson(**d);
              out["headline"] = DigestHeadline(**d);
              return ApiJson(200, out);
            }});
  AddRoute({"POST", "/api/v1/digests/send", [this](SqlConnection& db, const HttpRequest& req, const std::vector<std::string>&) {
              auto community = CommunityFrom(req.body);
              if (!community.ok()) return ApiError(400, community.error());
              bool unknown = false;
              if (Status s = CheckDigestCommunity(*config_(), db, *community, &unknown); !s.ok())
                return ApiError(unknown ? 400 : 503, s.message());
              JobSpec job = DigestNowJob(*community);
              auto r = engine_ ? engine_->Enqueue(db, {job}) : EnqueueJobs(db, {job}, std::chrono::system_clock::now());
              if (!r.ok()) return ApiError(503, r.error());
              return ApiJson(202, {{"job_id", (*r)[0].id}, {"community", *community}});
            }});
}

}  // namespace vigil

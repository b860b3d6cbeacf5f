#include "daemon/admin/thread_approval.h"

#include "jobs/deliver/deliver_job.h"
#include "jobs/triage/triage_config.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

HttpResponse Approve(const Runtime& runtime, SqlConnection& db, const std::string& id, const CancelToken& stopping) {
  auto n = GetNotification(db, id);
  if (!n.ok()) return ApiError(500, n.error());
  if (!*n) return ApiError(404, "no notification " + id);
  if (Status allowed = CheckThreadAllowed(**n); !allowed.ok()) return ApiError(409, allowed.message());
  auto settings = runtime.Parsed(&ParseTriageSettings);
  if (!settings->ok()) return ApiError(500, settings->error());
  if ((*settings)->platform.base_url.empty()) return ApiError(503, "creating a thread needs notify.platform.base_url in the config");
  nlohmann::json args = {{"notification_id", id}, {"approved_by", "api"}};
  JobResult r = CreateThread(**settings, *runtime.http(), db, args, std::chrono::system_clock::now(), &stopping);
  if (r.kind != JobResult::Kind::kDone) return ApiError(502, r.error);
  auto after = GetNotification(db, id);
  if (!after.ok()) return ApiError(500, after.error());
  if (!*after) return ApiError(404, "no notification " + id);
  // Not recorded: a person dismissed it while the platform was asked.
  if ((*after)->thread_id.empty()) {
    Status why = CheckThreadAllowed(**after);
    return ApiError(409, why.ok() ? "the thread of notification " + id + " was not recorded" : why.message());
  }
  return ApiJson(200, NotificationToJson(**after));
}

}  // namespace

ApiRoute ThreadApprovalRoute(const Runtime& runtime, DbThread& outbound, const CancelToken& stopping) {
  return {"POST", "/api/v1/notifications/:id/create-thread",
          [&runtime, &stopping](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
            return Approve(runtime, db, p[0], stopping);
          },
          &outbound};
}

}  // namespace vigil

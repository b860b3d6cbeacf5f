// GET /api/v1/status: the one-screen view `vigil status` prints.
#include "daemon/admin/admin_api.h"
#include "daemon/watcher_status.h"
#include "jobs/engine/job_engine.h"
#include "store/db_time.h"
#include "store/job_pause_repo.h"

namespace vigil {
namespace {

nlohmann::json QueueSummary(SqlConnection& db) {
  int64_t day_ago = ToMicros(std::chrono::system_clock::now() - std::chrono::hours(24));
  auto r = db.Query("SELECT kind, state, COUNT(*) FROM vigil_jobs WHERE state IN ('available', 'running', 'retryable')"
                    " OR (state = 'discarded' AND finished_at >= $1) GROUP BY kind, state ORDER BY kind, state",
                    {day_ago});
  nlohmann::json out = nlohmann::json::object();
  if (!r.ok()) return out;
  for (const auto& row : r->rows) {
    auto& k = out[row.Text(0)];
    if (k.is_null()) k = {{"available", 0}, {"running", 0}, {"retryable", 0}, {"discarded_24h", 0}};
    std::string state = row.Text(1) == "discarded" ? "discarded_24h" : row.Text(1);
    k[state] = row.Int(2);
  }
  return out;
}

nlohmann::json Pauses(SqlConnection& db) {
  nlohmann::json out = nlohmann::json::array();
  auto pauses = ListJobPauses(db);
  if (pauses.ok()) {
    for (const auto& p : *pauses) out.push_back(JobPauseToJson(p));
  }
  return out;
}

nlohmann::json LastNotifications(SqlConnection& db) {
  auto r = db.Query("SELECT id, title, signal, status, created_at FROM notifications ORDER BY created_at DESC LIMIT 5");
  nlohmann::json out = nlohmann::json::array();
  if (!r.ok()) return out;
  for (const auto& row : r->rows) {
    out.push_back({{"id", row.Text(0)}, {"title", row.Text(1)}, {"signal", row.Text(2)}, {"status", row.Text(3)},
                   {"created_at", row.Text(4)}});
  }
  return out;
}

}  // namespace

void AdminApi::AddStatusRoute() {
  AddRoute({"GET", "/api/v1/status", [this](SqlConnection& db, const HttpRequest&, const std::vector<std::string>&) {
              nlohmann::json watchers = WatchersStatusJson(db, *config_());
              double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
              return ApiJson(200, {{"version", VIGIL_VERSION},
                                   {"uptime_seconds", uptime},
                                   {"node", engine_ ? engine_->node_id() : ""},
                                   {"database", std::string(db.dialect())},
                                   {"watchers", watchers},
                                   {"queues", QueueSummary(db)},
                                   {"pauses", Pauses(db)},
                                   {"notifications", LastNotifications(db)}});
            }});
}

}  // namespace vigil

#include "store/job_pause_repo.h"

#include <algorithm>

#include "common/iso8601.h"
#include "common/nearest.h"
#include "common/utf8_cut.h"
#include "store/db_time.h"

namespace vigil {
namespace {

// Idle engines of every process claim at once (the listener wakes on any vigil_jobs NOTIFY).
Status NotifyEngines(SqlConnection& db) {
  if (db.dialect() != "postgres") return Status::Ok();
  return db.Query("SELECT pg_notify('vigil_jobs', '')").status();
}

}  // namespace

const std::vector<std::string>& JobPauseScopes() {
  static const std::vector<std::string> scopes = {"kind", "queue"};
  return scopes;
}

Result<std::vector<JobPause>> ListJobPauses(SqlConnection& db) {
  auto r = db.Query("SELECT scope, name, paused_at, paused_by, note FROM vigil_job_pauses ORDER BY scope, name");
  if (!r.ok()) return r.status();
  std::vector<JobPause> out;
  for (const auto& row : r->rows) out.push_back({row.Text(0), row.Text(1), row.Int(2), row.Text(3), row.Text(4)});
  return out;
}

Result<PausedWork> ReadPausedWork(SqlConnection& db) {
  auto r = db.Query("SELECT scope, name FROM vigil_job_pauses");
  if (!r.ok()) return r.status();
  PausedWork out;
  for (const auto& row : r->rows) (row.Text(0) == "queue" ? out.queues : out.kinds).insert(row.Text(1));
  return out;
}

Result<bool> PauseJobs(SqlConnection& db, const JobPause& pause) {
  auto r = db.Query("INSERT INTO vigil_job_pauses (scope, name, paused_at, paused_by, note) VALUES ($1, $2, $3, $4, $5)"
                    " ON CONFLICT (scope, name) DO NOTHING",
                    {pause.scope, pause.name, pause.paused_at_us, std::string(CutUtf8(pause.paused_by, 200)),
                     std::string(CutUtf8(pause.note, 500))});
  if (!r.ok()) return r.status();
  return r->affected > 0;
}

Result<bool> ResumeJobs(SqlConnection& db, const std::string& scope, const std::string& name) {
  bool resumed = false;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto r = db.Query("DELETE FROM vigil_job_pauses WHERE scope = $1 AND name = $2", {scope, name});
    if (!r.ok()) return r.status();
    resumed = r->affected > 0;
    return resumed ? NotifyEngines(db) : Status::Ok();
  });
  if (!s.ok()) return s;
  return resumed;
}

Result<int64_t> RetryDiscardedJobs(SqlConnection& db, const std::string& kind, TimePoint now) {
  int64_t retried = 0;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto r = db.Query(
        "UPDATE vigil_jobs SET state = 'available', run_at = $1, updated_at = $1, finished_at = NULL,"
        " max_attempts = CASE WHEN attempt >= max_attempts THEN attempt + 1 ELSE max_attempts END"
        " WHERE kind = $2 AND state = 'discarded' AND (unique_key IS NULL OR ("
        "  NOT EXISTS (SELECT 1 FROM vigil_jobs u WHERE u.unique_key = vigil_jobs.unique_key"
        "              AND u.state IN ('available', 'running', 'retryable'))"
        "  AND id = (SELECT MAX(d.id) FROM vigil_jobs d WHERE d.unique_key = vigil_jobs.unique_key AND d.state = 'discarded')))",
        {ToMicros(now), kind});
    if (!r.ok()) return r.status();
    retried = r->affected;
    return retried > 0 ? NotifyEngines(db) : Status::Ok();
  });
  if (!s.ok()) return s;
  return retried;
}

std::string UnknownPauseTarget(const std::string& scope, const std::string& name, const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), name) != known.end()) return "";
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  bool kind = scope == "kind";
  return std::string(kind ? "no job kind \"" : "no queue \"") + name + "\"" + DidYouMean(name, known) + "; " +
         (kind ? "kinds: " : "queues: ") + (list.empty() ? "(none)" : list);
}

nlohmann::json JobPauseToJson(const JobPause& p) {
  return {{"scope", p.scope}, {"name", p.name}, {"paused_at", FormatUtcZ(FromMicros(p.paused_at_us))},
          {"paused_by", p.paused_by}, {"note", p.note}};
}

}  // namespace vigil

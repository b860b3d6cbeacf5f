#include "jobs/maintenance/crash_reports.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "common/iso8601.h"
#include "common/logging.h"
#include "jobs/maintenance/maintenance_job.h"
#include "store/db_time.h"

namespace vigil {
namespace {

struct SentinelRow {
  std::string session_id;
  double started_at = 0;
  std::string system_snippet;
  std::string api_snippet;
};

std::string ThisHost() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return host;
}

// Whether vigil session `id` still runs, by its node row.
Result<bool> VigilSessionAlive(SqlConnection& db, const SentinelRow& row, const LeftoverOptions& o, TimePoint now) {
  auto r = db.Query("SELECT hostname, pid, heartbeat_at, stopped_at FROM vigil_nodes WHERE node_id = $1", {row.session_id});
  if (!r.ok()) return r.status();
  double now_s = UnixSeconds(now);
  if (r->rows.empty()) return now_s - row.started_at < static_cast<double>(o.fresh.count());
  const SqlRow& node = r->rows[0];
  if (!node.IsNull(3)) return false;
  if (ToMicros(now) - node.Int(2) > o.fresh.count() * 1000000) return false;
  bool here = node.Text(0) == ThisHost();
  bool process_gone = here && kill(static_cast<pid_t>(node.Int(1)), 0) != 0 && errno == ESRCH;
  return !process_gone;
}

Result<std::vector<SentinelRow>> RunningRows(SqlConnection& db, const TableMapping& t, const LeftoverOptions& o) {
  const char* s = "crash_sentinel";
  std::string sql = "SELECT r." + t.C(s, "session_id") + ", r." + t.C(s, "started_at") + ", r." +
                    t.C(s, "system_log_snippet") + ", r." + t.C(s, "api_log_snippet") + " FROM " + t.T(s) +
                    " r WHERE r." + t.C(s, "status") + " = 'running' AND r." + t.C(s, "session_id") + " <> $1";
  if (o.rule == LeftoverRule::kNewerSession)
    sql += " AND EXISTS (SELECT 1 FROM " + t.T(s) + " n WHERE n." + t.C(s, "started_at") + " > r." + t.C(s, "started_at") + ")";
  auto r = db.Query(sql + " ORDER BY r." + t.C(s, "started_at"), {o.own_session});
  if (!r.ok()) return r.status();
  std::vector<SentinelRow> out;
  for (const auto& row : r->rows) out.push_back({row.Text(0), row.Double(1), row.Text(2), row.Text(3)});
  return out;
}

Result<bool> ReportOne(SqlConnection& db, const TableMapping& t, const SentinelRow& row, const LeftoverOptions& o,
                       TimePoint now) {
  const char* s = "crash_sentinel";
  const char* p = "pending_error_reports";
  bool created = false;
  auto started = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double>(row.started_at)));
  nlohmann::json context = {{"source", o.source},
                            {"session_id", row.session_id},
                            {"started_at", FormatIso8601(started)},
                            {"detected_at", FormatIso8601(now)},
                            {"api_log_snippet", row.api_snippet}};
  std::string message = o.source + " session " + row.session_id + " (started " + FormatIso8601(started) +
                        ") ended without a clean stop";
  Status st = InTransaction(db, true, [&]() -> Status {
    auto moved = db.Query("UPDATE " + t.T(s) + " SET " + t.C(s, "status") + " = 'reported' WHERE " +
                              t.C(s, "session_id") + " = $1 AND " + t.C(s, "status") + " = 'running'",
                          {row.session_id});
    if (!moved.ok() || moved->affected == 0) return moved.status();
    auto ins = db.Query("INSERT INTO " + t.T(p) + " (" + t.C(p, "report_id") + ", " + t.C(p, "error_type") + ", " +
                            t.C(p, "error_message") + ", " + t.C(p, "traceback") + ", " + t.C(p, "context") + ", " +
                            t.C(p, "sent") + ") VALUES ($1, 'crash', $2, $3, $4, 0) ON CONFLICT (" +
                            t.C(p, "report_id") + ") DO NOTHING",
                        {"crash-" + row.session_id, message, row.system_snippet, context.dump()});
    created = ins.ok() && ins->affected > 0;
    return ins.status();
  });
  if (!st.ok()) return st;
  return created;
}

}  // namespace

const std::vector<TableDefaults>& CrashTables() {
  static const std::vector<TableDefaults> kTables = {
      {"crash_sentinel", {"session_id", "status", "started_at", "ended_at", "system_log_snippet", "api_log_snippet"}},
      {"pending_error_reports", {"report_id", "error_type", "error_message", "traceback", "context", "sent", "sent_at"}},
  };
  return kTables;
}

const std::vector<TableDefaults>& PlatformCrashTables() {
  static const std::vector<TableDefaults> kTables = [] {
    auto tables = CrashTables();
    tables.push_back({"local_settings", {"settings_id", "terms_accepted_at"}});
    return tables;
  }();
  return kTables;
}

Result<int> ReportLeftoverSessions(SqlConnection& db, const TableMapping& t, const LeftoverOptions& o, TimePoint now) {
  auto rows = RunningRows(db, t, o);
  if (!rows.ok()) return rows.status().WithContext("reading crash_sentinel");
  int reported = 0;
  for (const auto& row : *rows) {
    if (o.rule == LeftoverRule::kVigilNodes) {
      auto alive = VigilSessionAlive(db, row, o, now);
      if (!alive.ok()) return alive.status();
      if (*alive) continue;
    }
    auto created = ReportOne(db, t, row, o, now);
    if (!created.ok()) return created.status().WithContext("reporting session " + row.session_id);
    if (*created) {
      ++reported;
      spdlog::warn("crash report queued: {} session {} ended without a clean stop", o.source, row.session_id);
    }
  }
  return reported;
}

std::string LogSnippet(size_t lines, bool http_only) {
  std::string out;
  size_t kept = 0;
  auto all = RecentLogLines(http_only ? 300 : lines);
  for (auto it = all.rbegin(); it != all.rend() && kept < lines; ++it) {
    if (http_only && it->find("http") == std::string::npos && it->find("HTTP") == std::string::npos) continue;
    out.insert(0, *it + (it->ends_with("\n") ? "" : "\n"));
    ++kept;
  }
  return out;
}

}  // namespace vigil

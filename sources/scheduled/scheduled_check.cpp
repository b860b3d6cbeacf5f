#include "sources/scheduled/scheduled_check.h"

#include "common/http/retry_policy.h"
#include "common/json_depth.h"
#include "common/text_template.h"
#include "common/utf8_cut.h"
#include "config/units.h"
#include "sources/scheduled/json_path.h"

namespace vigil {
namespace {

Event MakeEvent(const ScheduledWatcherSpec& spec, const nlohmann::json& vars, nlohmann::json metadata) {
  Event e;
  e.title = std::string(CutUtf8(RenderTemplate(spec.title, vars), 500));
  e.summary = RenderTemplate(spec.summary, vars);
  e.source_type = "scheduled";
  e.source_id = RenderTemplate(spec.dedupe_key, vars);
  e.source_url = spec.url;
  metadata["fire_at"] = vars.value("fire_at", "");
  e.source_metadata = std::move(metadata);
  return e;
}

Result<std::vector<Event>> HttpCheck(const ScheduledWatcherSpec& spec, nlohmann::json vars, HttpClient* http, const CancelToken* cancel) {
  if (http == nullptr) return Status::Error("no HTTP client");
  HttpClientRequest req;
  req.url = spec.url;
  req.from_data = spec.from_data;
  req.headers.emplace_back("Accept", "application/json");
  auto res = http->Send(req, cancel);
  if (!res.ok()) return res.status();
  if (res->status < 200 || res->status > 299) return HttpStatusError(res->status, LoggableUrl(req));  // 404: permanent
  auto doc = ParseJsonOrDiscarded(res->body);
  if (doc.is_discarded()) return Status::Error(spec.url + ": the body is not JSON");
  const nlohmann::json* value = FindJsonPath(doc, spec.json_path);
  if (!ConditionHolds(value, spec.condition)) return std::vector<Event>{};
  vars["value"] = value ? *value : nlohmann::json();
  vars["status"] = res->status;
  vars["url"] = spec.url;
  vars["json_path"] = spec.json_path;
  nlohmann::json metadata = {{"url", spec.url}, {"json_path", spec.json_path}, {"value", vars["value"]},
                             {"condition", {{"op", spec.condition.op}, {"value", spec.condition.value}}}};
  return std::vector<Event>{MakeEvent(spec, vars, metadata)};
}

Result<std::vector<Event>> SqlCheck(const ScheduledWatcherSpec& spec, const nlohmann::json& vars, SqlConnection& db) {
  auto rows = ReadOnlyQuery(db, spec.query, spec.timeout);
  if (!rows.ok()) return rows.status().WithContext("sql on " + spec.database_label);
  std::vector<Event> events;
  for (size_t i = 0; i < rows->size(); ++i) {
    nlohmann::json row_vars = (*rows)[i];
    row_vars.update(vars);  // watcher and fire_at win over columns of the same name
    row_vars["row_number"] = i + 1;
    events.push_back(MakeEvent(spec, row_vars, {{"row", (*rows)[i]}, {"row_number", i + 1}}));
  }
  return events;
}

// A refused write or a timeout said in the watcher's terms, the database's own words kept.
Status Explained(const Status& error, std::chrono::milliseconds timeout) {
  const std::string& text = error.message();
  if (text.find("read-only transaction") != std::string::npos || text.find("readonly database") != std::string::npos)
    return error.WithContext("the query tried to write, and a timed watcher's sql runs read-only");
  if (text.find("statement timeout") != std::string::npos)
    return error.WithContext("the query ran past sql.timeout (" + FormatDuration(timeout) + ")");
  return error;
}

nlohmann::json CellJson(const SqlValue& v) {
  if (std::holds_alternative<int64_t>(v)) return std::get<int64_t>(v);
  if (std::holds_alternative<double>(v)) return std::get<double>(v);
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return nullptr;
}

}  // namespace

Result<std::vector<nlohmann::json>> ReadOnlyQuery(SqlConnection& db, const std::string& query, std::chrono::milliseconds timeout) {
  Status ok = CheckReadOnlyQuery(query);
  if (!ok.ok()) return ok;
  bool sqlite = db.dialect() == "sqlite";
  if (sqlite) {
    auto on = db.Query("PRAGMA query_only = ON");
    if (!on.ok()) return on.status();
  }
  Result<SqlResult> result = Status::Error("not run");
  Status began = db.Begin();
  if (began.ok()) {
    // SET TRANSACTION must come first in the transaction; the time limit is a SET LOCAL after it.
    auto ro = sqlite ? Result<SqlResult>(SqlResult{}) : db.Query("SET TRANSACTION READ ONLY");
    Status limited = ro.ok() ? db.LimitStatementTime(timeout) : ro.status();
    result = limited.ok() ? db.Query(query) : Result<SqlResult>(limited);
    (void)db.Rollback();
  }
  if (sqlite) (void)db.Query("PRAGMA query_only = OFF");
  if (!began.ok()) return began;
  if (!result.ok()) return Explained(result.status(), timeout);
  std::vector<nlohmann::json> rows;
  for (const auto& r : result->rows) {
    if (rows.size() >= kMaxSqlRows) break;
    nlohmann::json row = nlohmann::json::object();
    for (size_t c = 0; c < result->columns.size() && c < r.size(); ++c) row[result->columns[c]] = CellJson(r.at(c));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<Event>> RunScheduledCheck(const ScheduledWatcherSpec& spec, const nlohmann::json& vars, HttpClient* http,
                                             SqlConnection& db, const CancelToken* cancel) {
  switch (spec.check) {
    case ScheduledCheck::kEmit: return std::vector<Event>{MakeEvent(spec, vars, nlohmann::json::object())};
    case ScheduledCheck::kHttp: return HttpCheck(spec, vars, http, cancel);
    case ScheduledCheck::kSql: return SqlCheck(spec, vars, db);
  }
  return Status::Error("unknown check");
}

}  // namespace vigil

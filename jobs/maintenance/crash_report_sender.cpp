#include "jobs/maintenance/crash_report_sender.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

struct Report {
  std::string id, type, message, traceback, context;
};

nlohmann::json ContextJson(const std::string& text) {
  auto j = ParseJsonOrDiscarded(text);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

std::string BodyOf(const Report& r, const std::string& format) {
  if (format == "github") {
    std::string body = "**report_id:** `" + r.id + "`\n**error_type:** " + r.type + "\n\n" + r.message +
                       "\n\n### Traceback\n```\n" + r.traceback + "\n```\n\n### Context\n```json\n" +
                       ContextJson(r.context).dump(2) + "\n```\n";
    return nlohmann::json{{"title", "[crash report] " + r.type + ": " + std::string(CutUtf8(r.message, 120))},
                          {"body", body},
                          {"labels", {"crash-report"}}}
        .dump();
  }
  return nlohmann::json{{"report_id", r.id},
                        {"error_type", r.type},
                        {"error_message", r.message},
                        {"traceback", r.traceback},
                        {"context", ContextJson(r.context)}}
      .dump();
}

HttpClientRequest RequestFor(const Report& r, const ReportEndpoint& e) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = e.url;
  req.body = BodyOf(r, e.format);
  req.timeout = e.timeout;
  req.retry_non_idempotent = true;  // safe: the key makes a repeat recognisable
  req.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", r.id}};
  if (e.format == "github") req.headers.emplace_back("Accept", "application/vnd.github+json");
  if (!e.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + e.token);
  return req;
}

std::optional<std::chrono::seconds> RetryAfterOf(const HttpClientResponse& res) {
  if (res.retry_after) return res.retry_after;
  const std::string* h = res.Header("Retry-After");
  if (h == nullptr) return std::chrono::seconds(60);
  char* end = nullptr;
  long secs = std::strtol(h->c_str(), &end, 10);
  return std::chrono::seconds(end != h->c_str() && secs >= 0 ? secs : 60);
}

}  // namespace

Result<FlushResult> FlushErrorReports(SqlConnection& db, const TableMapping& t, HttpClient& http,
                                      const ReportEndpoint& endpoint, const ProgressFn& progress,
                                      const CancelToken* cancel) {
  const char* p = "pending_error_reports";
  auto rows = db.Query("SELECT " + t.C(p, "report_id") + ", " + t.C(p, "error_type") + ", " + t.C(p, "error_message") +
                       ", " + t.C(p, "traceback") + ", " + t.C(p, "context") + " FROM " + t.T(p) + " WHERE " +
                       t.C(p, "sent") + " = 0 ORDER BY " + t.C(p, "report_id"));
  if (!rows.ok()) return rows.status().WithContext("reading pending_error_reports");
  FlushResult out;
  out.pending = rows->rows.size();
  for (size_t i = 0; i < rows->rows.size(); ++i) {
    const SqlRow& row = rows->rows[i];
    Report r{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)};
    // Another daemon on this database may have sent it since the list was read.
    auto still = db.Query("SELECT " + t.C(p, "sent") + " FROM " + t.T(p) + " WHERE " + t.C(p, "report_id") + " = $1", {r.id});
    if (!still.ok()) return still.status();
    if (still->rows.empty() || still->rows[0].Int(0) != 0) continue;
    auto res = http.Send(RequestFor(r, endpoint), cancel);
    if (!res.ok()) {
      out.error = "sending report " + r.id + ": " + res.error();
      break;
    }
    if (res->status == 429) {
      out.retry_after = RetryAfterOf(*res);
      out.error = "the endpoint answered 429 (rate limited)";
      break;
    }
    if (res->status >= 500) {
      out.error = "sending report " + r.id + ": the endpoint answered HTTP " + std::to_string(res->status);
      break;
    }
    if (res->status >= 300) {
      ++out.rejected;
      spdlog::warn("crash_report_flush: report {} rejected with HTTP {}; kept for the next run", r.id, res->status);
      continue;
    }
    auto marked = db.Query("UPDATE " + t.T(p) + " SET " + t.C(p, "sent") + " = 1, " + t.C(p, "sent_at") + " = $2 WHERE " +
                               t.C(p, "report_id") + " = $1 AND " + t.C(p, "sent") + " = 0",
                           {r.id, UnixSeconds(std::chrono::system_clock::now())});
    if (!marked.ok()) return marked.status().WithContext("marking report " + r.id + " sent");
    ++out.sent;
    if (progress) progress(i + 1, rows->rows.size());
  }
  return out;
}

}  // namespace vigil

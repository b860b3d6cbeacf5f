#include "jobs/maintenance/crash_report_sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "jobs/maintenance/crash_loops.h"
#include "store/crash_report_ledger.h"
#include "store/db_time.h"

namespace vigil {
namespace {

nlohmann::json ContextJson(const std::string& text) {
  auto j = ParseJsonOrDiscarded(text);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

std::string BodyOf(const QueuedReport& r, const std::string& format) {
  if (format == "github") {
    std::string body = "**report_id:** `" + r.id + "`\n**error_type:** " + r.type + "\n\n" + r.message +
                       "\n\n### Traceback\n```\n" + r.traceback + "\n```\n\n### Context\n```json\n" +
                       ContextJson(r.context).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n```\n";
    return nlohmann::json{{"title", "[crash report] " + r.type + ": " + std::string(CutUtf8(r.message, 120))},
                          {"body", body},
                          {"labels", {"crash-report"}}}
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // a row's bytes may not be UTF-8
  }
  return nlohmann::json{{"report_id", r.id},
                        {"error_type", r.type},
                        {"error_message", r.message},
                        {"traceback", r.traceback},
                        {"context", ContextJson(r.context)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpClientRequest RequestFor(const QueuedReport& r, const ReportEndpoint& e) {
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

// Whether the platform's user accepted its terms (a local_settings row with terms_accepted_at).
Result<bool> Consented(SqlConnection& db, const TableMapping& t) {
  const char* l = "local_settings";
  auto r = db.Query("SELECT 1 FROM " + t.T(l) + " WHERE " + t.C(l, "terms_accepted_at") + " IS NOT NULL LIMIT 1");
  if (!r.ok()) return r.status().WithContext("reading local_settings");
  return !r->rows.empty();
}

// The unsent reports, with the ledger's first sightings; those over the cap are given up.
Result<std::vector<QueuedReport>> Waiting(SqlConnection& db, SqlConnection& ledger, const TableMapping& t,
                                          const FlushPolicy& policy, FlushResult* out) {
  const char* p = "pending_error_reports";
  auto rows = db.Query("SELECT " + t.C(p, "report_id") + ", " + t.C(p, "error_type") + ", " + t.C(p, "error_message") +
                       ", " + t.C(p, "traceback") + ", " + t.C(p, "context") + " FROM " + t.T(p) + " WHERE " +
                       t.C(p, "sent") + " = 0 ORDER BY " + t.C(p, "report_id"));
  if (!rows.ok()) return rows.status().WithContext("reading pending_error_reports");
  std::vector<std::string> ids;
  for (const auto& row : rows->rows) ids.push_back(row.Text(0));
  int64_t now_us = ToMicros(std::chrono::system_clock::now());
  auto seen = SeeUnsentReports(ledger, policy.database, ids, now_us);
  if (!seen.ok()) return seen.status();
  std::vector<std::pair<LedgerEntry, QueuedReport>> waiting;
  for (const auto& row : rows->rows) {
    LedgerEntry e = seen->count(row.Text(0)) ? seen->at(row.Text(0)) : LedgerEntry{now_us, 0};
    if (e.given_up_us != 0) continue;
    QueuedReport r{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), 0};
    r.at = ReportTime(r.context, static_cast<double>(e.first_seen_us) / 1e6);
    waiting.emplace_back(e, std::move(r));
  }
  std::stable_sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
    return a.first.first_seen_us < b.first.first_seen_us;
  });
  if (waiting.size() > policy.max_pending) {
    std::vector<std::string> oldest;
    for (size_t i = 0; i < waiting.size() - policy.max_pending; ++i) oldest.push_back(waiting[i].second.id);
    Status st = GiveUpReports(ledger, policy.database, oldest, now_us);
    if (!st.ok()) return st;
    out->given_up = oldest.size();
    spdlog::warn("crash_report_flush: {}: {} reports wait, more than max_pending ({}); the {} oldest are given up",
                 policy.database, waiting.size(), policy.max_pending, oldest.size());
    waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(oldest.size()));
  }
  std::vector<QueuedReport> reports;
  for (auto& w : waiting) reports.push_back(std::move(w.second));
  return reports;
}

// The members of `batch` still unsent (another daemon may have sent some since the list was read).
Result<std::vector<std::string>> StillUnsent(SqlConnection& db, const TableMapping& t, const std::vector<std::string>& ids) {
  const char* p = "pending_error_reports";
  std::vector<std::string> out;
  for (const auto& id : ids) {
    auto r = db.Query("SELECT " + t.C(p, "sent") + " FROM " + t.T(p) + " WHERE " + t.C(p, "report_id") + " = $1", {id});
    if (!r.ok()) return r.status();
    if (!r->rows.empty() && r->rows[0].Int(0) == 0) out.push_back(id);
  }
  return out;
}

Status MarkSent(SqlConnection& db, const TableMapping& t, const std::vector<std::string>& ids) {
  const char* p = "pending_error_reports";
  double now = UnixSeconds(std::chrono::system_clock::now());
  return InTransaction(db, true, [&]() -> Status {
    for (const auto& id : ids) {
      auto r = db.Query("UPDATE " + t.T(p) + " SET " + t.C(p, "sent") + " = 1, " + t.C(p, "sent_at") + " = $2 WHERE " +
                            t.C(p, "report_id") + " = $1 AND " + t.C(p, "sent") + " = 0",
                        {id, now});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
}

}  // namespace

Result<FlushResult> FlushErrorReports(SqlConnection& db, SqlConnection& ledger, const TableMapping& t, HttpClient& http,
                                      const ReportEndpoint& endpoint, const FlushPolicy& policy,
                                      const ProgressFn& progress, const CancelToken* cancel) {
  FlushResult out;
  auto waiting = Waiting(db, ledger, t, policy, &out);
  if (!waiting.ok()) return waiting.status();
  out.pending = waiting->size();
  if (policy.needs_consent && !waiting->empty()) {
    auto consented = Consented(db, t);
    if (!consented.ok()) return consented.status();
    if (!*consented) {
      out.waiting_for_consent = waiting->size();
      return out;
    }
  }
  auto batches = FoldCrashLoops(std::move(*waiting), policy.loop_threshold);
  for (size_t i = 0; i < batches.size(); ++i) {
    auto& b = batches[i];
    auto members = StillUnsent(db, t, b.members);
    if (!members.ok()) return members.status();
    if (members->empty()) continue;
    auto res = http.Send(RequestFor(b.report, endpoint), cancel);
    if (!res.ok()) {
      out.error = "sending report " + b.report.id + ": " + res.error();
      break;
    }
    if (res->status == 429) {
      out.retry_after = RetryAfterOf(*res);
      out.error = "the endpoint answered 429 (rate limited)";
      break;
    }
    if (res->status >= 500) {
      out.error = "sending report " + b.report.id + ": the endpoint answered HTTP " + std::to_string(res->status);
      break;
    }
    if (res->status >= 300) {
      ++out.rejected;
      spdlog::warn("crash_report_flush: report {} rejected with HTTP {}; kept for the next run", b.report.id, res->status);
      continue;
    }
    Status marked = MarkSent(db, t, *members);
    if (!marked.ok()) return marked.WithContext("marking report " + b.report.id + " sent");
    Status forgotten = ForgetReports(ledger, policy.database, *members);  // the next flush would, too
    if (!forgotten.ok()) spdlog::warn("crash_report_flush: {}", forgotten.message());
    out.sent += members->size();
    if (b.loop()) {
      ++out.loops;
      spdlog::warn("crash_report_flush: {} reports of type {} sent as one crash-loop report {}", members->size(),
                   b.report.type, b.report.id);
    }
    if (progress) progress(i + 1, batches.size());
  }
  return out;
}

}  // namespace vigil

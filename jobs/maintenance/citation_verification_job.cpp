#include "jobs/maintenance/citation_verification_job.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "common/json_depth.h"
#include "common/metrics.h"
#include "config/http_client_config.h"
#include "jobs/maintenance/citation_match.h"
#include "jobs/maintenance/maintenance_kinds.h"
#include "store/db_time.h"

namespace vigil {
namespace {

struct CitationRow {
  std::string id;
  std::string message_id;
  std::string text;
  std::string source_url;
  std::string cited_title;  // the platform's source_title before vigil ever wrote it
};

struct Verdict {
  bool verified = false;
  std::string method;
  double confidence = 0;
  std::string title;
};

std::string MethodOf(const std::string& kind) {
  if (kind == "doi") return "crossref";
  if (kind == "pmid" || kind == "pmcid") return "pubmed";
  return kind;  // arxiv, url
}

constexpr const char* kTable = "message_citations";

class CitationPass {
 public:
  CitationPass(const CitationVerificationConfig& c, SqlConnection& platform, SqlConnection& vigil, HttpClient& api, HttpClient& pages,
               const CitationRun& run, CitationSummary& summary)
      : c_(c), platform_(platform), vigil_(vigil), api_(api), pages_(pages), run_(run), summary_(summary) {}

  void Run() {
    std::string after;
    while (!(run_.cancel && run_.cancel->cancelled())) {
      auto rows = ReadPage(after);
      if (!rows.ok()) {
        summary_.last_error = rows.error();
        return;
      }
      if (rows->empty()) return MarkMessages();
      for (const auto& row : *rows) {
        if (run_.cancel && run_.cancel->cancelled()) break;
        Check(row);
      }
      after = rows->back().id;
      MarkMessages();
      if (run_.on_progress) run_.on_progress(summary_);
    }
    MarkMessages();
    summary_.cancelled = true;
  }

 private:
  std::string C(const char* column) const { return c_.tables.C(kTable, column); }

  Result<std::vector<CitationRow>> ReadPage(const std::string& after) {
    std::vector<SqlValue> params = {SeedTimestamp(run_.clock->Now() - c_.recheck_after, platform_.dialect())};
    std::string id = C("id"), verified_at = C("verified_at");
    std::string sql = "SELECT " + id + ", " + C("message_id") + ", " + C("citation_text") + ", " + C("source_url") + ", CASE WHEN " + verified_at +
                      " IS NULL THEN " + C("source_title") + " END FROM " + c_.tables.T(kTable) + " WHERE (" + verified_at +
                      " IS NULL OR " + verified_at + " < $1)";
    if (!after.empty()) {
      params.push_back(after);
      sql += " AND " + id + " > $2";
    }
    params.push_back(int64_t(c_.batch_size));
    auto r = platform_.Query(sql + " ORDER BY " + id + " LIMIT $" + std::to_string(params.size()), params);
    if (!r.ok()) return r.status();
    std::vector<CitationRow> rows;
    for (const auto& row : r->rows) rows.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)});
    return rows;
  }

  void Check(const CitationRow& row) {
    auto ids = ExtractCitationIds(row.text, row.source_url);
    if (!c_.check_urls) std::erase_if(ids, [](const CitationId& id) { return id.kind == "url"; });
    if (ids.empty()) {
      ++summary_.no_identifier;
      return Write(row, {false, "none", 0, ""}, "no_identifier");
    }
    for (const auto& id : ids) {
      auto record = Resolve(id);
      if (!record.ok()) {
        ++summary_.deferred;
        summary_.last_error = id.Key() + ": " + record.error();
        return;
      }
      if (record->found) return Judge(row, id, *record);
    }
    Write(row, {false, MethodOf(ids.front().kind), 0, ""}, "unverified");
  }

  void Judge(const CitationRow& row, const CitationId& id, const CitationRecord& record) {
    auto match = CompareCitation(row.text + " " + row.cited_title, record.title, record.authors, record.year);
    Verdict v{!record.retracted && match.confidence >= (match.comparable ? c_.min_confidence : 0.5), MethodOf(id.kind),
              match.confidence, record.title};
    if (record.retracted) {
      v.method += "-retracted";
      ++summary_.retracted;
      spdlog::warn("citation_verification: citation {} cites a retracted work ({})", row.id, id.Key());
    }
    Write(row, v, record.retracted ? "retracted" : v.verified ? "verified" : "unverified");
  }

  Result<CitationRecord> Resolve(const CitationId& id) {
    auto cached = vigil_.Query("SELECT found, record, fetched_at_us FROM vigil_citation_cache WHERE identifier = $1", {id.Key()});
    if (cached.ok() && !cached->rows.empty()) {
      const auto& row = cached->rows[0];
      auto ttl = row.Int(0) ? c_.recheck_after : c_.negative_cache;
      if (FromMicros(row.Int(2)) + ttl > run_.clock->Now()) {
        ++summary_.cache_hits;
        return CitationRecord::FromJson(ParseJsonOrDiscarded(row.Text(1)));
      }
    }
    ++summary_.lookups;
    auto record = LookupCitation(id, c_.sources, api_, pages_, run_.cancel);
    Metrics::Global().Inc("vigil_citation_lookups_total",
                          {{"source", MethodOf(id.kind)}, {"result", !record.ok() ? "error" : record->found ? "found" : "not_found"}});
    if (!record.ok()) return record;
    auto stored = vigil_.Query("INSERT INTO vigil_citation_cache (identifier, found, record, fetched_at_us) VALUES ($1, $2, $3, $4) "
                               "ON CONFLICT (identifier) DO UPDATE SET found = excluded.found, record = excluded.record, "
                               "fetched_at_us = excluded.fetched_at_us",
                               {id.Key(), int64_t(record->found ? 1 : 0), record->ToJson().dump(), ToMicros(run_.clock->Now())});
    if (!stored.ok()) spdlog::warn("citation_verification: caching {}: {}", id.Key(), stored.error());
    return record;
  }

  void Write(const CitationRow& row, const Verdict& v, const char* result) {
    SqlValue title = v.title.empty() ? SqlValue(SqlNull{}) : SqlValue(v.title);
    auto r = platform_.Query("UPDATE " + c_.tables.T(kTable) + " SET " + C("verified") + " = $1, " + C("verification_method") +
                                 " = $2, " + C("verification_confidence") + " = $3, " + C("source_title") + " = COALESCE($4, " +
                                 C("source_title") + "), " + C("verified_at") + " = $5 WHERE " + C("id") + " = $6",
                             {int64_t(v.verified ? 1 : 0), v.method, v.confidence, title,
                              SeedTimestamp(run_.clock->Now(), platform_.dialect()), row.id});
    if (!r.ok()) {
      summary_.last_error = "updating citation " + row.id + ": " + r.error();
      ++summary_.deferred;
      return;
    }
    ++summary_.checked;
    if (!row.message_id.empty()) touched_.insert(row.message_id);
    (v.verified ? summary_.verified : summary_.unverified) += 1;
    Metrics::Global().Inc("vigil_citations_checked_total", {{"result", result}});
  }

  // Sets messages.citations_verified for the messages touched since the last call whose citations
  // are all checked, when the platform's messages table has the column (looked up once a pass).
  void MarkMessages() {
    if (touched_.empty()) return;
    const auto& t = c_.tables;
    if (!messages_flag_) {
      auto probe = platform_.Query("SELECT " + t.C("messages", "citations_verified") + " FROM " + t.T("messages") + " WHERE 1 = 0");
      messages_flag_ = probe.ok();
      if (!probe.ok()) spdlog::debug("citation_verification: no messages.citations_verified to set: {}", probe.error());
    }
    if (*messages_flag_) {
      for (const auto& message : touched_) {
        auto r = platform_.Query("UPDATE " + t.T("messages") + " SET " + t.C("messages", "citations_verified") + " = TRUE WHERE " +
                                     t.C("messages", "id") + " = $1 AND NOT EXISTS (SELECT 1 FROM " + t.T(kTable) + " WHERE " +
                                     C("message_id") + " = $1 AND " + C("verified_at") + " IS NULL)",
                                 {message});
        if (!r.ok()) summary_.last_error = "setting citations_verified of message " + message + ": " + r.error();
        else summary_.messages_marked += r->affected;
      }
    }
    touched_.clear();
  }

  std::set<std::string> touched_;            // messages whose citations were written since MarkMessages
  std::optional<bool> messages_flag_;         // whether messages.citations_verified exists

  const CitationVerificationConfig& c_;
  SqlConnection& platform_;
  SqlConnection& vigil_;
  HttpClient& api_;
  HttpClient& pages_;
  const CitationRun& run_;
  CitationSummary& summary_;
};

}  // namespace

nlohmann::json CitationSummary::ToJson() const {
  return {{"missing", missing}, {"checked", checked}, {"verified", verified}, {"unverified", unverified}, {"retracted", retracted},
          {"no_identifier", no_identifier}, {"deferred", deferred}, {"messages_marked", messages_marked}, {"lookups", lookups}, {"cache_hits", cache_hits},
          {"cancelled", cancelled}, {"last_error", last_error}, {"elapsed_seconds", elapsed_seconds}};
}

CitationSummary RunCitationVerification(const CitationVerificationConfig& config, SqlConnection& platform, SqlConnection& vigil,
                                        HttpClient& api, HttpClient& pages, const CitationRun& run) {
  CitationSummary summary;
  auto start = std::chrono::steady_clock::now();
  auto missing = MissingTables(platform, {config.tables.Name(kTable)});  // messages is optional
  if (!missing.ok()) {
    summary.last_error = missing.error();
  } else if (!missing->empty()) {
    summary.missing = "table " + missing->front() + " does not exist";
  } else {
    CitationPass(config, platform, vigil, api, pages, run, summary).Run();
  }
  summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

Status ValidateCitationVerification(const Config& config) { return CitationVerificationConfigFrom(config).status(); }

MaintenanceOutcome RunCitationVerificationJob(MaintenanceEnv& env) {
  MaintenanceOutcome out;
  auto settings = SettingsOf(env, &CitationVerificationConfigFrom);
  const auto& parsed = *settings;
  auto options = HttpClientOptionsFrom(env.config);
  if (!parsed.ok() || !parsed->enabled || !options.ok()) {
    out.next = JobResult::Discard(!parsed.ok() ? parsed.error() : !options.ok() ? options.error()
                                                : "jobs.citation_verification is not configured (or enabled: false)");
    return out;
  }
  options->guard.allow_hosts = parsed->allow_hosts;
  CurlHttpClient pages(*options);
  auto opened = OpenJobDatabase(parsed->database_url, env.config);
  if (!opened.ok()) {
    out.next = JobResult::Retry(opened.error());
    return out;
  }
  SqlConnection& platform = *opened ? **opened : env.own_db;
  std::string label = JobDatabaseLabel(parsed->database_url);
  CitationRun run{.cancel = env.cancel, .clock = &SystemClock::Instance(), .on_progress = nullptr};
  if (env.progress) run.on_progress = [&env](const CitationSummary& c) { env.progress(static_cast<size_t>(c.checked), 0); };
  CitationSummary summary = RunCitationVerification(*parsed, platform, env.own_db, env.http, pages, run);
  if (!summary.missing.empty()) out = WaitForTables("citation_verification", label, {parsed->tables.Name("message_citations")});
  out.summary.update(summary.ToJson());
  out.summary["database"] = label;
  if (!summary.missing.empty()) return out;
  spdlog::info("citation_verification: {} checked, {} verified, {} retracted, {} left for later", summary.checked,
               summary.verified, summary.retracted, summary.deferred);
  if (summary.cancelled) out.next = JobResult::Retry("cancelled");
  else if (summary.deferred > 0 && summary.checked == 0) out.next = JobResult::Retry(summary.last_error);
  return out;
}

}  // namespace vigil

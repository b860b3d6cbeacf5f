#include "jobs/maintenance/citation_verification_job.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "common/json_depth.h"
#include "common/metrics.h"
#include "config/http_client_config.h"
#include "jobs/maintenance/citation_announce.h"
#include "jobs/maintenance/citation_checker.h"
#include "jobs/maintenance/citation_list_pass.h"
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

constexpr const char* kTable = "message_citations";

class CitationPass {
 public:
  CitationPass(const CitationVerificationConfig& c, SqlConnection& platform, CitationChecker& checker, RetractionAnnouncer& announcer,
               const CitationRun& run, CitationSummary& summary)
      : c_(c), platform_(platform), checker_(checker), announcer_(announcer), run_(run), summary_(summary) {}

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
    CitationVerdict v = checker_.Check(row.text, row.source_url, row.cited_title);
    if (v.deferred) return;
    if (Write(row, v) && v.retracted()) announcer_.Retracted(v.id, v.record, c_.community);
  }

  bool Write(const CitationRow& row, const CitationVerdict& v) {
    SqlValue title = v.title.empty() ? SqlValue(SqlNull{}) : SqlValue(v.title);
    auto r = platform_.Query("UPDATE " + c_.tables.T(kTable) + " SET " + C("verified") + " = $1, " + C("verification_method") +
                                 " = $2, " + C("verification_confidence") + " = $3, " + C("source_title") + " = COALESCE($4, " +
                                 C("source_title") + "), " + C("verified_at") + " = $5 WHERE " + C("id") + " = $6",
                             {int64_t(v.verified ? 1 : 0), v.method, v.confidence, title,
                              SeedTimestamp(run_.clock->Now(), platform_.dialect()), row.id});
    if (!r.ok()) {
      summary_.last_error = "updating citation " + row.id + ": " + r.error();
      ++summary_.deferred;
      return false;
    }
    if (!row.message_id.empty()) touched_.insert(row.message_id);
    CountVerdict(summary_, v);
    return true;
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
  CitationChecker& checker_;
  RetractionAnnouncer& announcer_;
  const CitationRun& run_;
  CitationSummary& summary_;
};

}  // namespace

nlohmann::json CitationSummary::ToJson() const {
  return {{"missing", missing}, {"checked", checked}, {"verified", verified}, {"unverified", unverified}, {"retracted", retracted},
          {"no_identifier", no_identifier}, {"deferred", deferred}, {"messages_marked", messages_marked}, {"rows_checked", rows_checked}, {"unreadable", unreadable}, {"announced", announced},
          {"annotated", annotated}, {"targets_missing", targets_missing}, {"lookups", lookups}, {"cache_hits", cache_hits},
          {"cancelled", cancelled}, {"last_error", last_error}, {"elapsed_seconds", elapsed_seconds}};
}

CitationSummary RunCitationVerification(const CitationVerificationConfig& config, SqlConnection& platform, SqlConnection& vigil,
                                        HttpClient& api, HttpClient& pages, const CitationRun& run) {
  CitationSummary summary;
  auto start = std::chrono::steady_clock::now();
  auto missing = MissingTables(platform, {config.tables.Name(kTable)});  // messages is optional
  if (!missing.ok()) {
    summary.last_error = missing.error();
  } else {
    bool citations_table = missing->empty();
    std::vector<const CitationListTarget*> targets;
    for (const auto& t : config.targets) {
      auto gone = MissingTables(platform, {t.table});
      if (gone.ok() && gone->empty()) targets.push_back(&t);
      else summary.targets_missing.push_back(t.name);
    }
    if (!citations_table && targets.empty()) {
      // Without targets message_citations is the job's table; with them, it waits only when none exists.
      summary.missing = "table " + config.tables.Name(kTable) + " does not exist";
      for (const auto& name : summary.targets_missing) summary.missing += ", nor the table of target " + name;
    } else {
      CitationChecker checker(config, vigil, api, pages, run, summary);
      RetractionAnnouncer announcer(config, platform, vigil, run.clock->Now(), summary);
      if (citations_table) CitationPass(config, platform, checker, announcer, run, summary).Run();
      for (const auto* t : targets) {
        if (run.cancel && run.cancel->cancelled()) break;
        RunCitationListTarget(*t, config, platform, vigil, checker, announcer, run, summary);
      }
      if (run.cancel && run.cancel->cancelled()) summary.cancelled = true;
    }
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
  if (!summary.missing.empty()) {
    std::vector<std::string> tables = {parsed->tables.Name("message_citations")};
    for (const auto& t : parsed->targets) tables.push_back(t.table);
    out = WaitForTables("citation_verification", label, tables);
  }
  out.summary.update(summary.ToJson());
  out.summary["database"] = label;
  if (!summary.missing.empty()) return out;
  spdlog::info("citation_verification: {} checked, {} verified, {} retracted ({} announced, {} memories annotated), {} left for later",
               summary.checked, summary.verified, summary.retracted, summary.announced, summary.annotated, summary.deferred);
  if (summary.cancelled) out.next = JobResult::Retry("cancelled");
  else if (summary.deferred > 0 && summary.checked == 0) out.next = JobResult::Retry(summary.last_error);
  return out;
}

}  // namespace vigil

#include "jobs/maintenance/citation_list_pass.h"

#include <spdlog/spdlog.h>

#include <map>

#include "common/metrics.h"
#include "jobs/maintenance/citation_retraction.h"
#include "store/db_time.h"

namespace vigil {
namespace {

std::string Quoted(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos) return "\"" + name + "\"";
  return "\"" + name.substr(0, dot) + "\".\"" + name.substr(dot + 1) + "\"";
}

struct ListRow {
  std::string id;
  std::string citations;
  std::string community;
};

class ListPass {
 public:
  ListPass(const CitationListTarget& t, const CitationVerificationConfig& c, SqlConnection& platform, SqlConnection& vigil,
           CitationChecker& checker, RetractionAnnouncer& announcer, const CitationRun& run, CitationSummary& summary)
      : t_(t), c_(c), platform_(platform), vigil_(vigil), checker_(checker), announcer_(announcer), run_(run), summary_(summary) {}

  void Run() {
    std::string after;
    while (!(run_.cancel && run_.cancel->cancelled())) {
      auto rows = ReadPage(after);
      if (!rows.ok()) {
        summary_.last_error = t_.name + ": " + rows.error();
        return;
      }
      if (rows->empty()) return;
      for (const auto& row : *rows) {
        if (run_.cancel && run_.cancel->cancelled()) return;
        CheckRow(row);
      }
      after = rows->back().id;
      if (run_.on_progress) run_.on_progress(summary_);
    }
  }

 private:
  Result<std::vector<ListRow>> ReadPage(const std::string& after) {
    std::string id = Quoted(t_.id_column);
    std::string community = t_.community_column.empty() ? "NULL" : Quoted(t_.community_column);
    std::string sql = "SELECT " + id + ", " + Quoted(t_.citations_column) + ", " + community + " FROM " + Quoted(t_.table) + " WHERE 1 = 1";
    std::vector<SqlValue> params;
    if (!t_.filter.empty()) sql += " AND (" + t_.filter + ")";
    if (!after.empty()) {
      params.push_back(after);
      sql += " AND " + id + " > $1";
    }
    params.push_back(int64_t(c_.batch_size));
    auto r = platform_.Query(sql + " ORDER BY " + id + " LIMIT $" + std::to_string(params.size()), params);
    if (!r.ok()) return r.status();
    std::vector<ListRow> rows;
    for (const auto& row : r->rows) rows.push_back({row.Text(0), row.Text(1), row.Text(2)});
    return rows;
  }

  // The row's stored verdicts: citation text by position, and the oldest check.
  struct Stored {
    std::map<int64_t, std::string> texts;
    int64_t oldest_us = 0;
  };
  Result<Stored> StoredChecks(const std::string& row_id) {
    auto r = vigil_.Query("SELECT position, citation, checked_at_us FROM vigil_citation_checks WHERE target = $1 AND row_id = $2",
                          {t_.name, row_id});
    if (!r.ok()) return r.status();
    Stored s;
    for (const auto& row : r->rows) {
      s.texts[row.Int(0)] = row.Text(1);
      if (s.oldest_us == 0 || row.Int(2) < s.oldest_us) s.oldest_us = row.Int(2);
    }
    return s;
  }

  bool Due(const Stored& stored, const std::vector<std::string>& texts) const {
    if (stored.texts.size() != texts.size()) return true;
    for (size_t i = 0; i < texts.size(); ++i) {
      auto it = stored.texts.find(int64_t(i));
      if (it == stored.texts.end() || it->second != texts[i]) return true;
    }
    return FromMicros(stored.oldest_us) + c_.recheck_after <= run_.clock->Now();
  }

  void CheckRow(const ListRow& row) {
    CitationList list = ParseCitationList(row.citations);
    if (!list.problem.empty()) {
      ++summary_.unreadable;
      spdlog::warn("citation_verification: {} row {}: {}", t_.name, row.id, list.problem);
    }
    auto stored = StoredChecks(row.id);
    if (!stored.ok()) {
      summary_.last_error = "reading vigil_citation_checks: " + stored.error();
      return;
    }
    if (!Due(*stored, list.texts)) return;
    ++summary_.rows_checked;
    std::string community = row.community.empty() ? t_.community : row.community;
    auto removed = vigil_.Query("DELETE FROM vigil_citation_checks WHERE target = $1 AND row_id = $2 AND position >= $3",
                                {t_.name, row.id, int64_t(list.texts.size())});
    if (!removed.ok()) summary_.last_error = "trimming vigil_citation_checks: " + removed.error();
    for (size_t i = 0; i < list.texts.size(); ++i) {
      if (run_.cancel && run_.cancel->cancelled()) return;
      CitationVerdict v = checker_.Check(list.texts[i], "", "");
      if (v.deferred) continue;  // no row: the position is due again next pass
      if (Write(row.id, int64_t(i), list.texts[i], v) && v.retracted()) announcer_.Retracted(v.id, v.record, community);
    }
  }

  bool Write(const std::string& row_id, int64_t position, const std::string& text, const CitationVerdict& v) {
    SqlValue title = v.title.empty() ? SqlValue(SqlNull{}) : SqlValue(v.title);
    auto r = vigil_.Query("INSERT INTO vigil_citation_checks (target, row_id, position, citation, identifier, verified, method, confidence,"
                          " source_title, checked_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                          " ON CONFLICT (target, row_id, position) DO UPDATE SET citation = excluded.citation, identifier = excluded.identifier,"
                          " verified = excluded.verified, method = excluded.method, confidence = excluded.confidence,"
                          " source_title = excluded.source_title, checked_at_us = excluded.checked_at_us",
                          {t_.name, row_id, position, text, v.id.kind.empty() ? "" : v.id.Key(), int64_t(v.verified ? 1 : 0), v.method,
                           v.confidence, title, ToMicros(run_.clock->Now())});
    if (!r.ok()) {
      summary_.last_error = "writing vigil_citation_checks: " + r.error();
      ++summary_.deferred;
      return false;
    }
    CountVerdict(summary_, v);
    return true;
  }

  const CitationListTarget& t_;
  const CitationVerificationConfig& c_;
  SqlConnection& platform_;
  SqlConnection& vigil_;
  CitationChecker& checker_;
  RetractionAnnouncer& announcer_;
  const CitationRun& run_;
  CitationSummary& summary_;
};

}  // namespace

void RunCitationListTarget(const CitationListTarget& target, const CitationVerificationConfig& c, SqlConnection& platform,
                           SqlConnection& vigil, CitationChecker& checker, RetractionAnnouncer& announcer, const CitationRun& run,
                           CitationSummary& summary) {
  ListPass(target, c, platform, vigil, checker, announcer, run, summary).Run();
}

}  // namespace vigil

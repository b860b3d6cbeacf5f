#include "jobs/maintenance/citation_checker.h"

#include <spdlog/spdlog.h>

#include "common/json_depth.h"
#include "common/metrics.h"
#include "jobs/maintenance/citation_match.h"
#include "store/db_time.h"

namespace vigil {

std::string CitationMethodOf(const std::string& kind) {
  if (kind == "doi") return "crossref";
  if (kind == "pmid" || kind == "pmcid") return "pubmed";
  return kind;  // arxiv, url
}

void CountVerdict(CitationSummary& summary, const CitationVerdict& v) {
  ++summary.checked;
  (v.verified ? summary.verified : summary.unverified) += 1;
  if (v.retracted()) ++summary.retracted;
  if (std::string_view(v.result) == "no_identifier") ++summary.no_identifier;
  Metrics::Global().Inc("vigil_citations_checked_total", {{"result", v.result}});
}

CitationVerdict CitationChecker::Check(const std::string& text, const std::string& source_url, const std::string& cited_title) {
  CitationVerdict v;
  auto ids = ExtractCitationIds(text, source_url);
  if (!c_.check_urls) std::erase_if(ids, [](const CitationId& id) { return id.kind == "url"; });
  if (ids.empty()) {
    v.method = "none";
    v.result = "no_identifier";
    return v;
  }
  for (const auto& id : ids) {
    auto record = Resolve(id);
    if (!record.ok()) {
      ++summary_.deferred;
      summary_.last_error = id.Key() + ": " + record.error();
      v.deferred = true;
      return v;
    }
    if (!record->found) continue;
    auto match = CompareCitation(text + " " + cited_title, record->title, record->authors, record->year);
    v.id = id;
    v.record = *record;
    v.method = CitationMethodOf(id.kind);
    v.confidence = match.confidence;
    v.title = record->title;
    v.verified = !record->retracted && match.confidence >= (match.comparable ? c_.min_confidence : 0.5);
    v.result = v.verified ? "verified" : "unverified";
    if (record->retracted) {
      v.method += "-retracted";
      v.result = "retracted";
    }
    return v;
  }
  v.method = CitationMethodOf(ids.front().kind);
  v.result = "unverified";
  return v;
}

Result<CitationRecord> CitationChecker::Resolve(const CitationId& id) {
  auto cached = vigil_.Query("SELECT found, record, fetched_at_us FROM vigil_citation_cache WHERE identifier = $1", {id.Key()});
  if (cached.ok() && !cached->rows.empty()) {
    const auto& row = cached->rows[0];
    auto ttl = row.Int(0) ? c_.recheck_after : c_.negative_cache;
    auto record = ParseJsonOrDiscarded(row.Text(1));
    if (FromMicros(row.Int(2)) + ttl > run_.clock->Now() && record.is_object()) {
      ++summary_.cache_hits;
      return CitationRecord::FromJson(record);
    }
  }
  ++summary_.lookups;
  auto record = LookupCitation(id, c_.sources, api_, pages_, run_.cancel);
  Metrics::Global().Inc("vigil_citation_lookups_total",
                        {{"source", CitationMethodOf(id.kind)}, {"result", !record.ok() ? "error" : record->found ? "found" : "not_found"}});
  if (!record.ok()) return record;
  auto stored = vigil_.Query("INSERT INTO vigil_citation_cache (identifier, found, record, fetched_at_us) VALUES ($1, $2, $3, $4) "
                             "ON CONFLICT (identifier) DO UPDATE SET found = excluded.found, record = excluded.record, "
                             "fetched_at_us = excluded.fetched_at_us",
                             {id.Key(), int64_t(record->found ? 1 : 0), record->ToJson().dump(), ToMicros(run_.clock->Now())});
  if (!stored.ok()) spdlog::warn("citation_verification: caching {}: {}", id.Key(), stored.error());
  return record;
}

}  // namespace vigil

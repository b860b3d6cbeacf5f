// One citation's verdict: its identifiers (citation_ids.h), the strongest one that resolves looked
// up (vigil_citation_cache first, fresh for recheck_after when found, negative_cache when not),
// the cited text compared with the record (citation_match.h). Shared by the message_citations pass
// and the JSON-list targets' pass; neither writes anything here but the cache.
//
// Threads: blocks on HTTP and on the caller's vigil connection; one thread at a time.
#pragma once

#include <string>

#include "jobs/maintenance/citation_record.h"
#include "jobs/maintenance/citation_verification_job.h"

namespace vigil {

struct CitationVerdict {
  bool deferred = false;     // a service failed: no verdict now (summary.last_error says why)
  bool verified = false;
  std::string method;        // crossref, pubmed, arxiv, url, none; "<method>-retracted"
  double confidence = 0;
  std::string title;         // the record's title, "" when none was found
  const char* result = "";   // verified | unverified | retracted | no_identifier (the metric's label)
  CitationId id;             // the identifier that decided; kind "" when none did
  CitationRecord record;     // what it resolved to
  bool retracted() const { return record.retracted; }
};

class CitationChecker {
 public:
  CitationChecker(const CitationVerificationConfig& c, SqlConnection& vigil, HttpClient& api, HttpClient& pages, const CitationRun& run,
                  CitationSummary& summary)
      : c_(c), vigil_(vigil), api_(api), pages_(pages), run_(run), summary_(summary) {}

  // The verdict on a citation's text (plus the platform's own title of it, "" when none).
  // Counts lookups, cache hits and deferrals in the summary; the caller counts the verdict once
  // it is written.
  CitationVerdict Check(const std::string& text, const std::string& source_url, const std::string& cited_title);

 private:
  Result<CitationRecord> Resolve(const CitationId& id);

  const CitationVerificationConfig& c_;
  SqlConnection& vigil_;
  HttpClient& api_;
  HttpClient& pages_;
  const CitationRun& run_;
  CitationSummary& summary_;
};

// Counts a written verdict in the summary (checked, verified or unverified, retracted,
// no_identifier) and in vigil_citations_checked_total.
void CountVerdict(CitationSummary& summary, const CitationVerdict& v);

// "crossref" for a doi, "pubmed" for a pmid or pmcid, else the kind (arxiv, url).
std::string CitationMethodOf(const std::string& kind);

}  // namespace vigil

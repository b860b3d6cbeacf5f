// What a citation identifier resolves to, looked up in Crossref (/works/{doi}), PubMed (efetch,
// with esearch first for a PMCID), the arXiv API (id_list) or, for a URL, the page itself.
//
// Threads: LookupCitation blocks on the HTTP client; call it on a worker thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "common/status.h"
#include "jobs/maintenance/citation_ids.h"
#include "jobs/maintenance/citation_retraction.h"

namespace vigil {

struct CitationRecord {
  bool found = false;
  std::string title;
  std::vector<std::string> authors;
  int year = 0;
  bool retracted = false;   // Crossref's updated-by (retraction, withdrawal, removal) or PubMed's "Retracted Publication"
  std::vector<RetractionNotice> notices;  // Crossref's notices that retract it (a PubMed retraction has one without a DOI)
  int http_status = 0;
  std::string final_url;    // a URL's address after redirects
  std::string note;         // why it was not found ("HTTP 404", "refused: ...")

  nlohmann::json ToJson() const;
  nlohmann::json NoticesJson() const;
  static CitationRecord FromJson(const nlohmann::json& j);
};

struct CitationSources {
  std::string crossref_base = "https://api.crossref.org";
  std::string pubmed_base = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils";
  std::string arxiv_base = "https://export.arxiv.org/api";
  std::string mailto;       // Crossref's polite pool and NCBI's email parameter
  std::string pubmed_api_key;
  std::chrono::milliseconds timeout{30000};
};

// Looks `id` up. `api` carries requests to the configured services; `pages` fetches URLs that
// came from data (from_data = true: non-public addresses, and redirects to them, are refused).
// A definite answer (found, 404, a refused or unreachable URL) is a record; an error means try
// again later (a transport error or 5xx from a service). A DOI costs two Crossref requests: the
// work's record, and /works?filter=updates:{doi} for notices that update it (a notice deposited
// after the work's record may be linked only from the notice's side).
Result<CitationRecord> LookupCitation(const CitationId& id, const CitationSources& sources, HttpClient& api, HttpClient& pages,
                                      const CancelToken* cancel);

// The pieces of a Crossref /works/{doi} answer, its `updated-by` retraction notices included.
Result<CitationRecord> ParseCrossrefWork(std::string_view body);

}  // namespace vigil

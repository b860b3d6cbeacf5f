// Identifiers a citation can be checked by, found in its text and source URL: DOIs, PubMed ids,
// PubMed Central ids, arXiv ids, and URLs. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct CitationId {
  std::string kind;   // "doi" (lower-cased), "pmid", "pmcid" ("PMC123"), "arxiv" (version kept), "url"
  std::string value;
  std::string Key() const { return kind + ":" + value; }  // the cache key
  bool operator==(const CitationId&) const = default;
};

// Every identifier in `citation_text` and `source_url`, strongest first (doi, pmid, pmcid,
// arxiv, then urls), without repeats. A doi.org, pubmed or arxiv.org link yields its identifier
// and, last, the link itself as a url.
std::vector<CitationId> ExtractCitationIds(std::string_view citation_text, std::string_view source_url);

}  // namespace vigil

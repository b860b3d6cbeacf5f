// Parser for arXiv API responses (http://export.arxiv.org/api/query): an Atom feed with
// OpenSearch paging fields and arXiv extensions. A pure function of the body: no HTTP, no state;
// any thread may call it. Elements are matched by local name, so the prefixes the feed binds
// (opensearch:, arxiv:, or a default namespace) do not matter.
//
// Each entry becomes one Event:
//   source_type "arxiv", source_id the arXiv id without version ("2104.12255", "math/0211159"),
//   title, summary  whitespace and newlines collapsed to single spaces,
//   source_url      the rel="alternate" link as arXiv gives it (the entry id if there is none),
//   raw_data        null,
//   source_metadata {
//     "arxiv_id_versioned" ("2104.12255v1"), "version" (int; absent if the id has none),
//     "authors" [names], "affiliations" {name: [affiliation, ...]} (only when the feed has any),
//     "categories" [every category term], "primary_category",
//     "published", "updated" (RFC 3339 strings as given),
//     "doi", "journal_ref", "comment", "pdf_url" (each only when present) }.
// An entry without an id or title, or whose id is not an arXiv abstract URL, is not an event
// and is counted in skipped_entries instead.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/event.h"

namespace vigil {

struct ArxivPage {
  int64_t total_results = 0;   // opensearch:totalResults: matches of the whole query
  int64_t start_index = 0;     // opensearch:startIndex: offset of this page's first entry
  int64_t items_per_page = 0;  // opensearch:itemsPerPage: the max_results asked for
  std::vector<Event> entries;
  int skipped_entries = 0;
};

// Parses one page of results. Errors: malformed XML (line, column, offset), a root that is not
// an Atom feed, or arXiv's error feed (one entry whose id is .../api/errors#..., sent with
// HTTP 400): the error's summary becomes the message ("arXiv API error: incorrect id format
// for abc"), of kind ErrorKind::kPermanent: the request is wrong and stays wrong. A query with no matches is an empty page, not an error.
Result<ArxivPage> ParseArxivFeed(std::string_view xml);

}  // namespace vigil

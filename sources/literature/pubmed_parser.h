// Parsers for NCBI E-utilities responses about PubMed: esearch (which PMIDs match a query) and
// efetch with db=pubmed&retmode=xml (the PubmedArticleSet records themselves). Pure functions of
// the response body: no HTTP, no state; any thread may call them.
//
// Each PubmedArticle becomes one Event:
//   source_type "pubmed", source_id the PMID, source_url https://pubmed.ncbi.nlm.nih.gov/<PMID>/,
//   title       ArticleTitle as plain text (inline markup flattened; VernacularTitle if empty),
//   summary     the abstract as plain text; a structured abstract keeps its labels, one
//               paragraph per AbstractText ("BACKGROUND: ...\n\nMETHODS: ..."); OtherAbstract is
//               used when there is no Abstract,
//   raw_data    null (the XML is not kept),
//   source_metadata {
//     "pmid", "doi", "pmc", "journal", "journal_abbrev", "volume", "issue", "pages",
//                                  strings, each present only when the record has it;
//     "authors"                    ["LastName ForeName" (or Initials), CollectiveName as is];
//                                  authors marked ValidYN="N" are left out,
//     "pub_date"                   {"year", "month" (1-12), "day"} ints, as available,
//     "pub_date_text"              "1976 Sep 28", "1990 Spring", or a MedlineDate as given,
//     "year"                       int, from Year or the first four digits of MedlineDate,
//     "mesh_terms"                 descriptor names in record order,
//     "mesh_major"                 those that are a major topic, either as a descriptor or
//                                  through one of its qualifiers (PubMed's "*"),
//     "keywords", "publication_types"  lists, "language" the first Language code }.
//   The lists are always present (maybe empty).
// A PubmedBookArticle (a book or chapter, e.g. GeneReviews) becomes an Event the same way, with
// the book's title, publisher and date, and "record_type": "book". DeleteCitation entries are
// ignored: they delete earlier records, which is not something a list of events can say.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/event.h"

namespace vigil {

struct EsearchResult {
  int64_t count = 0;  // total matches of the query, not the number of ids returned
  int64_t retmax = 0;
  int64_t retstart = 0;
  std::vector<std::string> ids;  // PMIDs, in the order NCBI gave them
  std::string webenv;            // empty unless usehistory=y
  std::string query_key;         // empty unless usehistory=y
  // Entries of ErrorList and WarningList as "ElementName: text", e.g.
  // "PhraseNotFound: abcXYZ", "OutputMessage: No items found.". NCBI reports a query that
  // matches nothing this way; it is a result with zero ids, not a failure.
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

// Parses an esearch response. Errors: malformed XML (message names line, column and offset),
// a root that is not eSearchResult, a top-level <ERROR> (its text is the message; NCBI sends
// it for a bad database or a malformed request; ErrorKind::kPermanent), or a missing or non-numeric Count.
Result<EsearchResult> ParseEsearch(std::string_view xml);

// Parses an efetch PubmedArticleSet into events, in document order. Errors: malformed XML
// (line, column, offset), an <eFetchResult><ERROR> response, or a root that is not
// PubmedArticleSet. A record without a PMID is skipped; an empty set yields no events.
Result<std::vector<Event>> ParsePubmedArticleSet(std::string_view xml);

// Month number 1-12 from "Jan".."Dec" (any case, full names too) or "1".."12"/"01"; 0 otherwise.
int ParsePubmedMonth(std::string_view month);

}  // namespace vigil

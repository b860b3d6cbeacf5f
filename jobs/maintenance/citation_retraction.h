// Retractions in Crossref's answers, and citations held in a JSON list of a platform row
// (seeds/000 posts.citations, synthesis_memories.citations_used). Pure functions; any thread.
//
// Crossref links a work and the notice that retracts it both ways: the work's record lists the
// notice under `updated-by` and the notice's record lists the work under `update-to`, each entry
// {DOI, type, updated: {date-parts}}. Types retraction, withdrawal and removal (any case) mean the
// work should no longer be relied on; corrections and expressions of concern do not.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil {

struct RetractionNotice {
  std::string doi;   // the notice's DOI, lower-cased ("" when Crossref gives none)
  std::string type;  // "retraction", "withdrawal" or "removal"
  std::string date;  // "2020-06-05" (as precise as Crossref's date-parts), "" when not given
  bool operator==(const RetractionNotice&) const = default;
};

// True for the update types that withdraw a work: retraction, withdrawal, removal (any case;
// "partial_retraction" is not one: the work stands in part).
bool IsRetractionType(std::string_view type);

// The retraction notices of a work's record (the `message` of /works/{doi}): its `updated-by`
// entries of a retracting type. Entries of another shape are skipped.
std::vector<RetractionNotice> NoticesUpdatingWork(const nlohmann::json& message);

// The notices in an answer to /works?filter=updates:{doi}: items whose `update-to` names `doi`
// (case aside) with a retracting type, the item's own DOI as the notice's. Errors: a body that is
// not a Crossref list (no message.items).
Result<std::vector<RetractionNotice>> ParseUpdatingNotices(std::string_view body, std::string_view doi);

// The notices of both lists, each DOI once, the earliest date first.
std::vector<RetractionNotice> MergeNotices(std::vector<RetractionNotice> a, const std::vector<RetractionNotice>& b);

// Bounds on a stored JSON list of citations: whatever a row holds, reading it costs at most this.
struct CitationListBounds {
  size_t max_bytes = 256 * 1024;   // a longer value is not parsed
  size_t max_depth = 8;            // nesting of arrays and objects
  size_t max_items = 200;          // citations read from one list
  size_t max_text_bytes = 4096;    // each citation's text, cut on a UTF-8 boundary
};

struct CitationList {
  std::vector<std::string> texts;  // one per item, in order: a string as is, an object's string values joined
  std::string problem;             // why the value was not read, or was read in part ("" when whole)
};

// The citations of a stored value: a JSON list of strings or of objects ({"doi": ..., "title":
// ...}). NULL or "" is an empty list; anything else that is not such a list yields no texts and
// says why in `problem`.
CitationList ParseCitationList(std::string_view stored, const CitationListBounds& bounds = {});

}  // namespace vigil

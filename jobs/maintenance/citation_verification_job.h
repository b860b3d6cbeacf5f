// The `citation_verification` maintenance job: checks the platform's message_citations rows
// that were never verified or are due again, and the citations in the JSON lists of the
// `targets:` (citation_list_pass.h; verdicts in vigil_citation_checks). For each it extracts identifiers (citation_ids.h),
// looks the strongest one up (a cached answer first, vigil_citation_cache), compares the cited
// text with the record (citation_match.h) and sets verified, verification_method,
// verification_confidence, source_title and verified_at. A record Crossref or PubMed reports as
// retracted is never "verified": its method says "<source>-retracted". When the platform's
// messages table has citations_verified (seeds/001), a message whose citations have all been
// checked gets it set. A retracted work is announced to the community that cited it and marks
// the memories citing it outdated (citation_announce.h).
//
// Threads: RunCitationVerification blocks the calling thread; connections must be its own.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "config/config.h"
#include "jobs/maintenance/citation_config.h"
#include "jobs/maintenance/maintenance_job.h"

namespace vigil {

struct CitationSummary {
  std::string missing;        // "table message_citations does not exist", or "" (not logged here)
  int64_t checked = 0;        // rows given a verdict
  int64_t verified = 0;
  int64_t unverified = 0;
  int64_t retracted = 0;
  int64_t no_identifier = 0;
  int64_t deferred = 0;       // rows left for later: a service failed
  int64_t messages_marked = 0;  // messages.citations_verified set: every citation of theirs checked
  int64_t rows_checked = 0;   // rows of JSON-list targets whose citations were checked
  int64_t unreadable = 0;     // JSON lists too long, too deep or not lists (read in part or not at all)
  int64_t announced = 0;      // retractions told to a community (an event for triage and delivery)
  int64_t annotated = 0;      // memory_annotations rows of type outdated written
  std::vector<std::string> targets_missing;  // JSON-list targets whose table does not exist
  int64_t lookups = 0;        // identifiers fetched (not from the cache)
  int64_t cache_hits = 0;
  bool cancelled = false;
  std::string last_error;     // the last lookup failure, if any
  double elapsed_seconds = 0;

  nlohmann::json ToJson() const;
};

struct CitationRun {
  const CancelToken* cancel = nullptr;
  const Clock* clock = &SystemClock::Instance();
  std::function<void(const CitationSummary&)> on_progress;  // after each page
};

// One pass. `api` reaches Crossref/PubMed/arXiv; `pages` fetches cited URLs (from_data guard).
CitationSummary RunCitationVerification(const CitationVerificationConfig& config, SqlConnection& platform, SqlConnection& vigil,
                                        HttpClient& api, HttpClient& pages, const CitationRun& run);

// The maintenance kind's run (maintenance_kinds.h; the engine and `vigil jobs run
// citation_verification --once` both call it): reads the block, opens its `database:` (or uses
// env.own_db), looks services up through env.http and fetches cited URLs with a client built from
// the config's http options plus the block's urls.allow_hosts. Discard on a bad block; Snooze
// while the table is missing (said once per process); Retry when cancelled or when every lookup
// of the pass failed.
MaintenanceOutcome RunCitationVerificationJob(MaintenanceEnv& env);
Status ValidateCitationVerification(const Config& config);

}  // namespace vigil

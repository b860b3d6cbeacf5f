// The citations of a JSON-list target (seeds/000 posts.citations, synthesis_memories
// .citations_used; citation_config.h CitationListTarget): rows read in id order, a page at a time;
// a row is checked when it has no verdicts in vigil_citation_checks yet, when its list changed
// since (a citation's text at a position differs, or the count), or when its oldest verdict is
// older than recheck_after. Each citation's verdict is one vigil_citation_checks row (target, row
// id, position). A retracted work goes to the RetractionAnnouncer with the row's community (its
// `community` column, else the target's `community:`). A stored list is read within
// CitationListBounds: a value too long, too deep or not a list is counted as unreadable and
// skipped, never parsed in full.
//
// Threads: the caller's connections, on its thread.
#pragma once

#include "jobs/maintenance/citation_announce.h"
#include "jobs/maintenance/citation_checker.h"

namespace vigil {

void RunCitationListTarget(const CitationListTarget& target, const CitationVerificationConfig& c, SqlConnection& platform,
                           SqlConnection& vigil, CitationChecker& checker, RetractionAnnouncer& announcer, const CitationRun& run,
                           CitationSummary& summary);

}  // namespace vigil

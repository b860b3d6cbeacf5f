// One pass of a log watcher with `journal:` (the `log_tail` job runs it instead of the file pass):
// the journal entries after the stored cursor, up to a budget, joined into records (multi-line
// `start`), matched by the rules; the events, their triage jobs and the new cursor stored in ONE
// transaction, so a crash or a kill -9 at any point neither loses nor repeats an entry.
//
// A cursor whose entry the journal no longer holds (vacuumed) makes the pass read from the
// oldest entry, and logs one warning: the pass that does so stores a cursor the journal holds, or
// "" (from the oldest entry), so later passes do not warn again.
#pragma once

#include "jobs/watch/log_tail_job.h"

namespace vigil {

struct JournalPassOptions {
  size_t budget = 10000;  // entries read in one pass
};

// One pass for `spec` (spec.journal set; the watcher row must exist). Errors: the database's, or
// the journal's (cannot be opened, unreadable); nothing is stored then and the next pass reads the
// same entries again.
Result<LogTailOutcome> RunJournalPass(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community,
                                      RuleRateLimiter& limiter, TimePoint now, const JournalPassOptions& options = {});

}  // namespace vigil

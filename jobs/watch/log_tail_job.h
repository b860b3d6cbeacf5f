// The `log_tail` job: one pass of a log watcher (`type: log`), enqueued by the daemon's LogWakeups
// when the watcher's files changed (daemon/log_wakeups.h), or by "run now". It reads what is new in the watcher's files, turns records that a
// rule matches into events, and stores the events, their triage jobs and the new file offsets in
// ONE transaction, so a crash or a kill -9 at any point neither loses nor doubles a line.
#pragma once

#include <optional>

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "sources/log/log_watcher_spec.h"
#include "sources/log/rule_rate_limiter.h"
#include "store/event.h"

namespace vigil {

KindSpec LogTailKind(const Runtime& runtime);

struct LogTailOutcome {
  int records = 0;   // records read
  int events = 0;    // new events stored
  int limited = 0;   // matches dropped by a rule's rate limit
  bool more = false; // the pass's byte budget ran out
};

// The rule that makes `text` an event, or nothing: no rule matched, or the rule's rate limit
// dropped the match (counted in outcome->limited).
std::optional<LogRuleMatch> AllowedMatch(const LogWatcherSpec& spec, const std::string& text, RuleRateLimiter& limiter,
                                         TimePoint now, LogTailOutcome* outcome);

// Stores a pass's events with their triage jobs inside the pass's transaction; the new ones are
// counted in outcome->events (one stored before is not stored again).
Status StorePassEvents(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community, std::vector<Event> events,
                       TimePoint now, LogTailOutcome* outcome);

// One pass for `spec`, a file watcher (the watcher row must exist: the daemon syncs it at start).
// Errors are the database's; nothing is stored then and the next pass reads the same bytes again.
// A pass that read nothing new writes nothing: no offsets, and the watcher's last poll only when
// the last one recorded is older than kLogStatusRefresh or recorded an error (an idle watcher
// costs no write). A journal watcher's pass is RunJournalPass (jobs/watch/journal_pass.h); the
// job runs either.
inline constexpr std::chrono::minutes kLogStatusRefresh{10};
Result<LogTailOutcome> RunLogTailPass(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community,
                                      RuleRateLimiter& limiter, TimePoint now);

}  // namespace vigil

// The `log_tail` job: one pass of a log watcher (`type: log`), enqueued by the daemon's LogWakeups
// when the watcher's files changed (daemon/log_wakeups.h), or by "run now". It reads what is new in the watcher's files, turns records that a
// rule matches into events, and stores the events, their triage jobs and the new file offsets in
// ONE transaction, so a crash or a kill -9 at any point neither loses nor doubles a line.
#pragma once

#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "sources/log/log_watcher_spec.h"
#include "sources/log/rule_rate_limiter.h"

namespace vigil {

KindSpec LogTailKind(const Runtime& runtime);

struct LogTailOutcome {
  int records = 0;   // records read
  int events = 0;    // new events stored
  int limited = 0;   // matches dropped by a rule's rate limit
  bool more = false; // the pass's byte budget ran out
};

// One pass for `spec` (the watcher row must exist: the daemon syncs it at start). Errors are the
// database's; nothing is stored then and the next pass reads the same bytes again. A pass that
// read nothing new writes nothing: no offsets, and the watcher's last poll only when the last one
// recorded is older than kLogStatusRefresh or recorded an error (an idle watcher costs no write).
inline constexpr std::chrono::minutes kLogStatusRefresh{10};
Result<LogTailOutcome> RunLogTailPass(SqlConnection& db, const LogWatcherSpec& spec, const std::string& community,
                                      RuleRateLimiter& limiter, TimePoint now);

}  // namespace vigil

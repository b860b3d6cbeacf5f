// The `triage` job kind: one per new event (args {event_id}). It scores the event against its
// community's rules (and the LLM, when `triage.llm` is set, falling back to the rules), writes
// triage_signal and triage_reasoning, remembers the event's dedupe keys, and, when the signal
// meets the community's `notify_at` and the event is not a near-duplicate, creates a pending
// notification. In the same transaction it enqueues a `deliver` job per channel (unless the
// community's cooldown holds the push back, in which case the notification waits for the digest),
// and a `create_thread` job when the watcher auto-creates threads and the score reaches its
// auto_thread_approval_rate, unless the community's subreddits row says a person approves its
// threads (participation_model approver) or the community has had its
// rules.max_auto_threads_per_day today (UTC): then the notification waits, pending, for a person,
// with action_taken saying why (kHeldForApprover, kHeldByDailyCap). Low signals go to the
// community's digest when it has one.
//
// Running it twice is harmless: an event that already has a signal is left alone.
#pragma once

#include <string>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/triage/triage_config.h"
#include "store/job_repo.h"
#include "store/sql.h"

namespace vigil {

KindSpec TriageKind(const Runtime& runtime);

// How often a triage job is tried before it is discarded (its failures are the database's:
// an LLM failure falls back to the rules).
constexpr int kTriageMaxAttempts = 20;

// Events queued for triage (vigil_triage_pending) are triaged in batches of this many, each in one
// transaction; a run stops after kTriageRunBudget and snoozes, so a long burst does not meet the
// job's timeout (the next run goes on at once).
constexpr int kTriageBatch = 64;
constexpr std::chrono::milliseconds kTriageRunBudget{20000};
constexpr const char* kTriageQueuedKey = "triage:queued";

// The triage job every new event is stored with, whatever its source (webhook intake, literature
// polls, log and timed watchers): EventInsert::triage. The event is queued and this job, with no
// args, enqueued with it; while one waits (its unique_key) no other is, so a burst of events is
// one job, which triages them in batches. It runs kTriageGather after `now`: the first events
// of a burst wait that long for the ones right behind them, so a run takes them in one batch
// rather than a run of a job each few events (each job a row inserted, claimed and completed;
// on PostgreSQL 30-50% more webhook events a second in bench/webhook_bench.sh).
constexpr std::chrono::milliseconds kTriageGather{20};
JobSpec TriageFollowUp(TimePoint now);

struct TriageOutcome {
  bool found = false;           // false: no such event (pruned or never stored)
  bool already_triaged = false;
  std::string signal;
  double score = 0;
  std::string reasoning;
  std::string notification_id;  // "" when none was made
  bool pushed = false;          // deliver jobs enqueued
  bool thread_requested = false;
  std::string thread_held;      // why the auto-created thread waits for a person; "" when none does
};

// The job's work, for a given settings and clock (the kind reads them from the runtime).
// `http` may be null when no LLM is configured.
Result<TriageOutcome> TriageEvent(const TriageSettings& settings, HttpClient* http, SqlConnection& db,
                                  const std::string& event_id, TimePoint now, const CancelToken* cancel);

// When events wait in the triage queue, enqueues the triage job for them (one waiting already
// makes this nothing). The daemon does it at start: a daemon killed mid-batch holds its triage job
// until its lease is handed back, which on PostgreSQL waits for its heartbeat to go stale; the
// retention job does it daily, for a queue left with no job.
Status ResumeQueuedTriage(SqlConnection& db, TimePoint now);

struct TriageBatchOutcome {
  int64_t triaged = 0;
  int64_t already = 0;    // triaged before (by a job of one event, or another batch)
  int64_t gone = 0;       // no such event any more
  int64_t failed = 0;     // attempts that failed alone (counted on their queue rows)
  int64_t given_up = 0;   // of those, events past kTriageMaxAttempts, taken off the queue
  bool more = false;      // events may be left: the budget ran out, a failure, or cancelled
  void Count(const TriageOutcome& one);
  void Add(const TriageBatchOutcome& other);
};

// The queued events, oldest first, until the queue is empty, `budget` runs out or `cancel` is set.
// Without an LLM, a batch is one transaction (verdicts written, queue rows deleted); a batch that
// fails is retried one event per transaction, and an event that fails alone counts an attempt on
// its queue row. With an LLM (`http` and triage.llm), one transaction per event, the model asked
// before it. Errors only when the database is unavailable.
Result<TriageBatchOutcome> TriageQueued(const TriageSettings& settings, HttpClient* http, SqlConnection& db, const Clock& clock,
                                        const CancelToken* cancel, std::chrono::milliseconds budget);

// The template with {community}, {title}, {signal} and {source_url} filled in.
std::string FillHypothesis(const std::string& tmpl, const std::string& community, const std::string& title,
                           const std::string& signal, const std::string& source_url);

}  // namespace vigil

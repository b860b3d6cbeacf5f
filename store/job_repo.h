// The durable job queue in vigil_jobs (DESIGN.md "Jobs"), as SQL over either dialect.
// PostgreSQL claims with FOR UPDATE SKIP LOCKED; SQLite runs the same statements inside
// BEGIN IMMEDIATE, which serialises writers. Every function commits before it returns, so a job
// reported enqueued or completed is on disk.
//
// Threads: each caller passes its own connection.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct JobSpec {
  std::string kind;
  nlohmann::json args = nlohmann::json::object();
  std::string queue = "default";
  int priority = 0;  // lower runs first
  std::optional<TimePoint> run_at;  // default: now
  int max_attempts = 20;
  std::string unique_key;  // empty: none
};

struct JobRow {
  int64_t id = 0;
  std::string kind;
  std::string queue;
  std::string args;  // JSON text
  std::string state;
  int priority = 0;
  int64_t run_at_us = 0;
  int attempt = 0;
  int max_attempts = 0;
  std::string unique_key;
  std::string locked_by;
  int64_t locked_until_us = 0;
  std::string last_error;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  int64_t finished_at_us = 0;
};

struct EnqueueResult {
  int64_t id = 0;
  bool inserted = true;  // false: an unfinished job with the same unique key existed
};

struct JobOutcome {
  int64_t id = 0;
  bool ok = true;
  std::string error;           // when !ok
  bool discard = false;        // when !ok: give up now
  int64_t retry_at_us = 0;     // when !ok && !discard
  bool uncount_attempt = false;  // a snooze: the attempt does not count
};

// The one enqueue path: every job vigil enqueues (an intake's events, a handler's follow-ups, the
// scheduler, the API, the CLI) goes through EnqueueJobsInTx. Once the transaction that enqueued
// commits, the jobs it inserted are counted (vigil_jobs_enqueued_total by kind and queue) and every
// enqueue observer in the process is called with them, on the committing thread: the job engine
// registers one that wakes its fetcher, so a new job runs without waiting for a poll, on SQLite as
// on PostgreSQL (whose NOTIFY also wakes the engines of other processes). Observers must be quick
// and must not enqueue; they are called under a lock that RemoveEnqueueObserver takes, so an
// observer is never called after its removal returns.
struct EnqueuedJob {
  std::string kind;
  std::string queue;
};
using EnqueueObserver = std::function<void(const std::vector<EnqueuedJob>&)>;
int AddEnqueueObserver(EnqueueObserver observer);  // a token for RemoveEnqueueObserver
void RemoveEnqueueObserver(int token);

// Inserts jobs in one transaction; also NOTIFYs on PostgreSQL. Same order as `jobs`.
Result<std::vector<EnqueueResult>> EnqueueJobs(SqlConnection& db, const std::vector<JobSpec>& jobs, TimePoint now);
// The same inside a transaction the caller already holds (a webhook event and its triage job).
Result<std::vector<EnqueueResult>> EnqueueJobsInTx(SqlConnection& db, const std::vector<JobSpec>& jobs, TimePoint now);

// Claims up to `limit` runnable jobs of `queue` for `worker`, leased until now + lease, passing
// over jobs of the `skip_kinds` (paused kinds: they wait, in order, for their resume).
Result<std::vector<JobRow>> ClaimJobs(SqlConnection& db, const std::string& queue, int limit, const std::string& worker,
                                      TimePoint now, Duration lease, const std::set<std::string>& skip_kinds = {});

// The earliest run_at later than `now` among the jobs waiting in `queue` (a retry's backoff, a job
// enqueued to run later), if any: the fetcher sleeps until then when nothing is runnable now.
Result<std::optional<TimePoint>> NextRunAt(SqlConnection& db, const std::string& queue, TimePoint now);
// The earliest run_at among all the jobs waiting in `queue`, runnable now or later, if any (the
// SQLite listener's test of whether a write concerns a sleeping fetcher).
Result<std::optional<TimePoint>> EarliestRunAt(SqlConnection& db, const std::string& queue);

// Records outcomes in one transaction. Only jobs still running under `worker` change (a job whose
// lease was lost belongs to someone else now). Returns how many rows changed.
Result<int64_t> FinishJobs(SqlConnection& db, const std::vector<JobOutcome>& outcomes, const std::string& worker,
                           TimePoint now);

// Extends the leases of running jobs held by `worker`.
Status ExtendLeases(SqlConnection& db, const std::vector<int64_t>& ids, const std::string& worker, TimePoint until);

// Hands jobs back untouched (not started: attempt is restored). Used on graceful stop.
// The job's unique_key is let go (a running job that wants jobs of its key enqueued meanwhile:
// the batched triage), in a write transaction of its own.
Status ReleaseUniqueKey(SqlConnection& db, int64_t id);
Status ReleaseJobs(SqlConnection& db, const std::vector<int64_t>& ids, const std::string& worker, TimePoint now,
                   bool count_attempt);

// Deletes completed, discarded and cancelled jobs that finished before `before`.
Result<int64_t> PruneJobs(SqlConnection& db, TimePoint before);

struct JobFilter {
  std::string state;
  std::string kind;
  std::string queue;
  int64_t after_id = 0;  // keyset pagination: ids below this (0: from the newest)
  int limit = 50;
};
Result<std::vector<JobRow>> ListJobs(SqlConnection& db, const JobFilter& filter);
Result<std::optional<JobRow>> GetJob(SqlConnection& db, int64_t id);
// A discarded, cancelled or retryable job runs again now. Error if it is running or completed.
Status RetryJob(SqlConnection& db, int64_t id, TimePoint now);
// An unfinished job will not run (a running one is cancelled when its worker finishes).
Status CancelJob(SqlConnection& db, int64_t id, TimePoint now);

nlohmann::json JobToJson(const JobRow& job);

}  // namespace vigil

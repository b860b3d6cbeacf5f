// Paused job kinds and queues: vigil_job_pauses (migration 0013). A paused kind or queue is not
// claimed by any daemon sharing the database and its schedules do not fire (jobs/engine/
// job_pauses.h reads this table for the engine); enqueueing it goes on, so nothing is lost.
// Also the bulk retry of a kind's discarded jobs, which the console offers next to the pauses.
//
// Threads: each caller passes its own connection.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct JobPause {
  std::string scope;  // "kind" or "queue"
  std::string name;
  int64_t paused_at_us = 0;
  std::string paused_by;  // who asked: "api", "cli:USER@HOST"
  std::string note;
};

// What is paused, as the engine consults it for every claim and schedule tick.
struct PausedWork {
  std::set<std::string> kinds, queues;
  bool empty() const { return kinds.empty() && queues.empty(); }
  bool Holds(const std::string& kind, const std::string& queue) const { return kinds.count(kind) || queues.count(queue); }
};
Result<PausedWork> ReadPausedWork(SqlConnection& db);

// "kind" and "queue".
const std::vector<std::string>& JobPauseScopes();

// Every pause, by scope then name.
Result<std::vector<JobPause>> ListJobPauses(SqlConnection& db);

// Pauses `pause.scope` `pause.name`. Returns false (and changes nothing) when it was already
// paused: the first pause's time, author and note stay. The note is cut to 500 bytes.
Result<bool> PauseJobs(SqlConnection& db, const JobPause& pause);

// Resumes it. Returns false when it was not paused. On PostgreSQL it also NOTIFYs vigil_jobs so
// that idle engines claim at once.
Result<bool> ResumeJobs(SqlConnection& db, const std::string& scope, const std::string& name);

// Every discarded job of `kind` runs again now (as RetryJob: another attempt is allowed). A
// discarded job whose unique key an unfinished job holds stays discarded, and of several
// discarded jobs sharing a unique key only the newest runs again. Returns how many will run.
Result<int64_t> RetryDiscardedJobs(SqlConnection& db, const std::string& kind, TimePoint now);

// Why `name` cannot be paused in `scope` ("no job kind \"nop\" (did you mean noop?); kinds: a, b"),
// or "" when it is one of the `known` kinds or queues. The caller has checked the scope.
std::string UnknownPauseTarget(const std::string& scope, const std::string& name, const std::vector<std::string>& known);

nlohmann::json JobPauseToJson(const JobPause& pause);

}  // namespace vigil

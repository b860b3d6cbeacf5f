// What a job handler is: a plain synchronous function run on a worker thread, given a context
// (its job, a cancellation flag, a clock, the worker's own database connection and a way to
// enqueue follow-up jobs), returning what should happen next.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/status.h"
#include "jobs/engine/backoff.h"
#include "store/job_repo.h"
#include "store/sql.h"

namespace vigil {

struct JobResult {
  enum class Kind { kDone, kRetry, kDiscard, kSnooze };
  Kind kind = Kind::kDone;
  std::string error;
  std::chrono::milliseconds delay{0};  // kSnooze: run again after this; kRetry: 0 = backoff policy

  static JobResult Done() { return {}; }
  static JobResult Retry(std::string error, std::chrono::milliseconds after = {}) { return {Kind::kRetry, std::move(error), after}; }
  static JobResult Discard(std::string error) { return {Kind::kDiscard, std::move(error), {}}; }
  // Run again later without counting an attempt (waiting for a table, a rate limit, ...).
  static JobResult Snooze(std::chrono::milliseconds after, std::string why = "") { return {Kind::kSnooze, std::move(why), after}; }
};

struct JobContext {
  const JobRow& job;
  const nlohmann::json& args;
  const CancelToken& cancel;
  const Clock& clock;
  std::string node_id;
  // The worker's own connection to vigil's database (opened on first use); null with an error
  // when the database is unavailable.
  std::function<Result<SqlConnection*>()> db;
  // Enqueues follow-up jobs (committed before it returns).
  std::function<Status(const std::vector<JobSpec>&)> enqueue;
};

using JobHandler = std::function<JobResult(JobContext&)>;

struct KindSpec {
  std::string kind;
  JobHandler handler;
  std::chrono::milliseconds timeout{5 * 60 * 1000};
  BackoffPolicy backoff;
};

// Kinds known to this process. Filled before the engine starts; read-only afterwards.
class JobRegistry {
 public:
  void Add(KindSpec spec) { kinds_[spec.kind] = std::move(spec); }
  const KindSpec* Find(const std::string& kind) const {
    auto it = kinds_.find(kind);
    return it == kinds_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& [name, spec] : kinds_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, KindSpec> kinds_;
};

// The built-in `noop` kind, for smoke tests and benchmarks. Args (all optional):
//   sleep_ms: sleep this long (cancellable); fail_attempts: fail this many attempts first;
//   mark: true to record the run in vigil_noop_marks (job id primary key; a repeat run of the
//   same job is a no-op there), so a test can count effects.
KindSpec NoopKind();

}  // namespace vigil

// The `embedding_backfill` maintenance job: fills embedding vectors for the platform's rows and
// keeps them in sync (jobs.embedding_backfill; docs/maintenance-embeddings-citations.md). Per
// target a pass reads either the rows past the watermark (new rows, at a cost that grows with
// them) or, every `reconcile_every` and on the first run, the whole source in keyset pages
// (edited texts found by their hash, vectors of deleted rows removed). Rows that lack a current
// vector go to the provider in batches capped by items and estimated tokens (a long text as
// several chunks), and each batch is written in one transaction. A batch the provider refuses
// (4xx) is split until the refused row is alone; that row's failure is recorded and the rest go
// on. Where a pass stopped is kept, so a killed run resumes there.
//
// Threads: RunEmbeddingBackfill blocks the calling thread (a job worker, or the CLI's main
// thread for `vigil jobs run embedding_backfill --once`); the connections must be that thread's.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/clock.h"
#include "config/config.h"
#include "jobs/maintenance/embedding_config.h"
#include "jobs/maintenance/embedding_provider.h"
#include "jobs/maintenance/maintenance_job.h"

namespace vigil {

struct TargetBackfillSummary {
  std::string target;
  std::string missing;       // why the target was skipped ("table messages does not exist"), or ""
  std::string pass;          // "reconcile" (the whole source) or "new_rows" (past the watermark)
  int64_t source_rows = 0;   // reconcile: rows matching the source filter when the run began (0 otherwise)
  int64_t scanned = 0;
  int64_t embedded = 0;
  int64_t failed = 0;        // refusals recorded this run
  int64_t blocked = 0;       // rows skipped because they were refused too often before
  int64_t changed = 0;       // rows embedded again because their text changed
  int64_t adopted = 0;       // rows with a vector and no record yet: the record written, no request
  int64_t deleted = 0;       // source rows gone whose vectors were removed (reconcile)
  int64_t chunked = 0;       // texts sent as several chunks
  int64_t cut = 0;           // texts longer than max_chunks chunks: the rest was not embedded
  bool complete = false;     // the pass reached the end of the table
};

struct BackfillSummary {
  std::vector<TargetBackfillSummary> targets;
  int64_t requests = 0;             // provider calls
  double provider_seconds = 0;      // waiting for the provider (transfer and its work)
  double codec_seconds = 0;         // vigil's JSON encoding of requests and decoding of answers
  double read_seconds = 0;          // reading source pages and vigil's records
  double write_seconds = 0;         // writing batches
  double elapsed_seconds = 0;
  bool cancelled = false;
  std::string error;                // why the run stopped early, "" if it did not
  std::optional<std::chrono::seconds> retry_after;  // the provider asked for a long pause

  bool AllMissing() const;
  nlohmann::json ToJson() const;
};

struct BackfillRun {
  const CancelToken* cancel = nullptr;
  const Clock* clock = &SystemClock::Instance();
  // Called after each page (on the running thread), for a progress bar.
  std::function<void(const TargetBackfillSummary&)> on_progress;
};

// One pass over every target with an existing provider and connections (`platform` may be
// `vigil`). Whatever stops the run early is in summary.error / retry_after / cancelled.
BackfillSummary RunEmbeddingBackfill(const EmbeddingBackfillConfig& config, SqlConnection& platform, SqlConnection& vigil,
                                     EmbeddingProvider& provider, const BackfillRun& run);

// The maintenance kind's run (maintenance_kinds.h; the engine and `vigil jobs run
// embedding_backfill --once` both call it): reads jobs.embedding_backfill, opens its `database:`
// (or uses env.own_db), builds the provider over env.http and makes one pass. Discard on a bad
// block; Snooze while every target's tables are missing (said once per process) or when the
// provider asked for a long pause; Retry when the pass stopped early.
MaintenanceOutcome RunEmbeddingBackfillJob(MaintenanceEnv& env);
Status ValidateEmbeddingBackfill(const Config& config);

}  // namespace vigil

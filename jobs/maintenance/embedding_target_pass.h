// One target's pass of the embedding_backfill job (embedding_backfill_job.h): its rows read page
// by page, sent to the provider in batches, the answers written, pipelined so vigil's work hides
// behind the provider's. The pass's kind (reconcile or past the watermark) is chosen by the job.
//
// Threads: runs on the calling thread, with that thread's connections (through the store); one
// request thread of its own carries the provider calls (embedding_request_thread.h).
#pragma once

#include <optional>

#include "jobs/maintenance/embedding_backfill_job.h"
#include "jobs/maintenance/embedding_target_store.h"

namespace vigil {

// Runs one target's pass; returns false when the run must stop (error, long pause, cancel: said in
// `summary`). A reconcile pass (`by_mark` false) starts at the store's saved cursor; a pass by
// watermark reads the rows past `mark`. Counts go to `target`, timings to `summary`.
bool RunTargetPass(const EmbeddingBackfillConfig& config, EmbeddingTargetStore& store, EmbeddingProvider& provider,
                   const BackfillRun& run, BackfillSummary& summary, TargetBackfillSummary& target, bool by_mark,
                   std::optional<WatermarkPosition> mark);

}  // namespace vigil

// The `triage_retention` job (scheduled by `triage.retention.schedule`, daily by default): deletes
// events older than `triage.retention.events` (with their notifications and digest items),
// notifications and digests older than `triage.retention.notifications`, and title words older
// than every community's novelty window, and clears raw_data of events older than
// `triage.retention.raw_data`. The dedupe keys in vigil_triage_keys are kept, so an item pruned
// here and seen again is triaged as a duplicate and never announced again. What a person acted on
// is never deleted, however old: a notification with status `acted` or a `thread_id`, and the
// event it points to (its raw_data is still cleared).
#pragma once

#include "common/clock.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/triage/triage_config.h"
#include "store/sql.h"

namespace vigil {

struct RetentionReport {
  int64_t events_deleted = 0;
  int64_t notifications_deleted = 0;
  int64_t raw_data_cleared = 0;
};

Result<RetentionReport> PruneTriageData(SqlConnection& db, const RetentionSettings& retention, TimePoint now);

KindSpec TriageRetentionKind(const Runtime& runtime);

}  // namespace vigil

// The platform's tables (seeds/003_ae676da5943e8631.txt) as test fixtures: vigil never creates
// them, so tests build them from the seed's columns (REAL times are DOUBLE PRECISION in
// PostgreSQL), in either dialect.
#pragma once

#include "common/status.h"
#include "store/sql.h"

namespace vigil::testing {

// conversations, messages, model_runs, token_counters, context_backups.
Status CreateBackupTables(SqlConnection& db);
// crash_sentinel, pending_error_reports (as the platform has them: no created_at).
Status CreateCrashTables(SqlConnection& db);

}  // namespace vigil::testing

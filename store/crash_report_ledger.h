// vigil_crash_report_ledger (migration 0015): when vigil first saw each unsent crash report of a
// database it flushes, and which ones it gave up (jobs.crash_report_flush.max_pending). The
// platform's pending_error_reports has no time column; this is what orders its reports, and what
// records a given-up report without touching the platform's row.
//
// Threads: each caller passes its own connection (vigil's database, not the platform's).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sql.h"

namespace vigil {

struct LedgerEntry {
  int64_t first_seen_us = 0;
  int64_t given_up_us = 0;  // 0: still waiting to be sent
};

// Records `ids` as seen at `now_us` (a report seen before keeps its first sighting), forgets the
// reports of `database` that are no longer unsent, and returns the entries of `ids`.
Result<std::map<std::string, LedgerEntry>> SeeUnsentReports(SqlConnection& ledger, const std::string& database,
                                                           const std::vector<std::string>& ids, int64_t now_us);

// Marks `ids` given up at `now_us`.
Status GiveUpReports(SqlConnection& ledger, const std::string& database, const std::vector<std::string>& ids,
                     int64_t now_us);

// Removes `ids` (sent now).
Status ForgetReports(SqlConnection& ledger, const std::string& database, const std::vector<std::string>& ids);

}  // namespace vigil

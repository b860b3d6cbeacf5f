// Crash reports in the platform's diagnostics tables (seeds/003: crash_sentinel,
// pending_error_reports; vigil's own database has the same two tables for vigil's own crashes).
//
// A sentinel row is 'running' while its session lives, 'clean' after a graceful stop, and
// 'reported' once its crash became a report. A leftover 'running' row becomes exactly one
// report: the status change and the insert (report_id "crash-<session_id>", ON CONFLICT DO
// NOTHING) commit together, and only the transaction that moved the row off 'running' inserts.
//
// Which 'running' rows are leftovers:
//   kVigilNodes     vigil's own sessions: the session's node (vigil_nodes, node_id = session id)
//                   has stopped, or its heartbeat is older than `fresh`, or it ran on this host
//                   and its process is gone. A session without a node row is judged by its age.
//   kNewerSession   the platform's: a newer session row exists (the app has started since).
//
// Threads: functions run on the thread that owns `db`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "jobs/maintenance/table_mapping.h"
#include "store/sql.h"

namespace vigil {

// vigil's own and the platform's: crash_sentinel, pending_error_reports.
const std::vector<TableDefaults>& CrashTables();
// The platform's: those two and local_settings (its terms_accepted_at is the user's consent).
const std::vector<TableDefaults>& PlatformCrashTables();

enum class LeftoverRule { kVigilNodes, kNewerSession };

struct LeftoverOptions {
  LeftoverRule rule = LeftoverRule::kVigilNodes;
  std::string own_session;  // never a leftover ("" = none)
  std::chrono::seconds fresh{90};
  std::string source = "vigil";  // recorded in the report's context
};

// Turns every leftover into one report; returns how many reports this call created.
Result<int> ReportLeftoverSessions(SqlConnection& db, const TableMapping& t, const LeftoverOptions& options,
                                   TimePoint now);

// The last log lines as a sentinel snippet: all of them, or only those mentioning HTTP.
std::string LogSnippet(size_t lines, bool http_only);

}  // namespace vigil

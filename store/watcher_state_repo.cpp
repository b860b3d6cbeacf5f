#include "store/watcher_state_repo.h"

#include "common/utf8_cut.h"
#include "store/db_time.h"

namespace vigil {

Result<std::optional<WatcherState>> GetWatcherState(SqlConnection& db, const std::string& name) {
  auto r = db.Query("SELECT watcher_name, last_poll_at, last_success_at, next_poll_at, last_error, last_error_at,"
                    " consecutive_failures, cursor, last_error_permanent, first_poll_at FROM vigil_watcher_state WHERE watcher_name = $1",
                    {name});
  if (!r.ok()) return r.status();
  if (r->rows.empty()) return std::optional<WatcherState>();
  const auto& row = r->rows[0];
  return std::optional<WatcherState>(WatcherState{row.Text(0), row.Int(1), row.Int(2), row.Int(3), row.Text(4), row.Int(5),
                                                  static_cast<int>(row.Int(6)), row.Text(7), row.Int(8) != 0, row.Int(9)});
}

Status RecordPollSuccess(SqlConnection& db, const std::string& name, TimePoint now, const std::string& cursor) {
  int64_t us = ToMicros(now);
  auto r = db.Query("INSERT INTO vigil_watcher_state (watcher_name, last_poll_at, last_success_at, consecutive_failures, cursor,"
                    " last_error, next_poll_at, first_poll_at) VALUES ($1, $2, $2, 0, $3, NULL, NULL, $2) ON CONFLICT (watcher_name) DO UPDATE SET"
                    " last_poll_at = $2, last_success_at = $2, consecutive_failures = 0, cursor = $3, last_error = NULL,"
                    " last_error_permanent = 0, next_poll_at = NULL, first_poll_at = COALESCE(vigil_watcher_state.first_poll_at, $2)",
                    {name, us, cursor});
  return r.status();
}

Status RecordPollFailure(SqlConnection& db, const std::string& name, TimePoint now, const PollFailure& failure) {
  int64_t us = ToMicros(now);
  int64_t counts = failure.counts ? 1 : 0;
  auto r = db.Query("INSERT INTO vigil_watcher_state (watcher_name, last_poll_at, last_error, last_error_at, consecutive_failures,"
                    " next_poll_at, last_error_permanent, first_poll_at) VALUES ($1, $2, $3, $2, $5, $4, $6, $2) ON CONFLICT (watcher_name)"
                    " DO UPDATE SET last_poll_at = $2, first_poll_at = COALESCE(vigil_watcher_state.first_poll_at, $2), last_error = $3, last_error_at = $2, last_error_permanent = $6,"
                    " consecutive_failures = vigil_watcher_state.consecutive_failures + $5,"
                    " next_poll_at = CASE WHEN $5 = 1 THEN $4 ELSE vigil_watcher_state.next_poll_at END",
                    {name, us, std::string(CutUtf8(failure.error, 2000)), ToMicros(failure.next_allowed), counts,
                     int64_t(failure.permanent ? 1 : 0)});
  return r.status();
}

}  // namespace vigil

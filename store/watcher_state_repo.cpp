#include "store/watcher_state_repo.h"

#include <map>

#include "common/utf8_cut.h"
#include "store/db_time.h"
#include "store/values_list.h"

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
  return RecordPollSuccesses(db, {{name, now, cursor}});
}

Status RecordPollSuccesses(SqlConnection& db, const std::vector<PollSuccess>& given) {
  // A watcher named twice keeps its last (one statement may not upsert a row twice).
  std::vector<PollSuccess> polls;
  std::map<std::string, size_t> at;
  for (const auto& p : given) {
    auto [it, fresh] = at.emplace(p.name, polls.size());
    if (fresh) polls.push_back(p);
    else polls[it->second] = p;
  }
  return InChunks(polls, 200, [](ValuesList& rows, const PollSuccess& p) { rows.Add({p.name, ToMicros(p.at), ToMicros(p.at), ToMicros(p.at), p.cursor}); },
                  [&](const ValuesList& rows) {
                    return db.Query("INSERT INTO vigil_watcher_state (watcher_name, last_poll_at, last_success_at, first_poll_at, cursor) VALUES " + rows.sql() +
                                        " ON CONFLICT (watcher_name) DO UPDATE SET last_poll_at = excluded.last_poll_at,"
                                        " last_success_at = excluded.last_poll_at, consecutive_failures = 0, cursor = excluded.cursor,"
                                        " last_error = NULL, last_error_permanent = 0, next_poll_at = NULL,"
                                        " first_poll_at = COALESCE(vigil_watcher_state.first_poll_at, excluded.last_poll_at)",
                                    rows.params())
                        .status();
                  });
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

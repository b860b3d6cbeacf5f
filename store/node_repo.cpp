#include "store/node_repo.h"

#include "store/db_time.h"

namespace vigil {
namespace {

// $1 node_id, $2 hostname, $3 pid, $4 version, $5 the beat's time, $6 stopped_at.
constexpr const char* kUpsert =
    "INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at, stopped_at)"
    " VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = $5, stopped_at = $6";
constexpr const char* kLeaseExpired = "'lease expired: worker ' || COALESCE(locked_by, '?') || ' stopped or stalled'";

std::vector<SqlValue> BeatParams(const NodeBeat& beat) {
  int64_t us = ToMicros(beat.at);
  return {beat.node_id, beat.hostname, beat.pid, beat.version, us, beat.stopping ? SqlValue(us) : SqlValue(SqlNull{})};
}

// Sends running jobs back to retryable at `now` (a parameter: "$1"; discarded when out of
// attempts), for a worker that stopped running them; `last_error` is the SQL expression that says
// why.
std::string HandBackRunning(const std::string& last_error, const std::string& where, const std::string& now) {
  return "UPDATE vigil_jobs SET state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END,"
         " finished_at = CASE WHEN attempt >= max_attempts THEN CAST(" + now + " AS BIGINT) ELSE NULL END, last_error = " +
         last_error + ", locked_by = NULL, locked_until = NULL, run_at = " + now + ", updated_at = " + now +
         " WHERE state = 'running' AND " + where;
}

std::vector<UnstoppedNode> Nodes(const SqlResult& r, size_t first) {
  std::vector<UnstoppedNode> out;
  for (const auto& row : r.rows) {
    if (row.IsNull(first)) continue;  // the one row of a host with no other nodes (LEFT JOIN)
    out.push_back({row.Text(first), row.Int(first + 1), row.Int(first + 2)});
  }
  return out;
}

// Running jobs whose lease expired go back to retryable (or discarded when out of attempts).
Result<int64_t> RescueExpiredJobs(SqlConnection& db, TimePoint now) {
  auto r = db.Query(HandBackRunning(kLeaseExpired, "locked_until < $1", "$1"), {ToMicros(now)});
  if (!r.ok()) return r.status();
  return r->affected;
}

}  // namespace

Status RecordNodeBeat(SqlConnection& db, const NodeBeat& beat) { return db.Query(kUpsert, BeatParams(beat)).status(); }

Result<HeartbeatSeen> HeartbeatRound(SqlConnection& db, const NodeBeat& beat) {
  HeartbeatSeen seen;
  if (db.dialect() == "postgres") {
    // Data-modifying WITHs run whether or not the query reads them; the SELECT sees vigil_nodes as
    // it was before the upsert, which only matters for this node's own row, left out. The count
    // rides on every row, and a host with no other node gives one row of nulls.
    auto r = db.Query(std::string("WITH beat AS (") + kUpsert + " RETURNING 1), rescued AS (" +
                          HandBackRunning(kLeaseExpired, "locked_until < $5", "$5") + " RETURNING 1)"
                          " SELECT (SELECT COUNT(*) FROM rescued), n.node_id, n.pid, n.heartbeat_at FROM (SELECT 1) AS one"
                          " LEFT JOIN vigil_nodes n ON n.node_id <> $1 AND n.hostname = $2 AND n.stopped_at IS NULL",
                      BeatParams(beat));
    if (!r.ok()) return r.status();
    seen.rescued = r->rows.empty() ? 0 : r->rows[0].Int(0);
    seen.others_on_host = Nodes(*r, 1);
    return seen;
  }
  Status s = RecordNodeBeat(db, beat);
  if (!s.ok()) return s;
  auto rescued = RescueExpiredJobs(db, beat.at);
  if (!rescued.ok()) return rescued.status();
  seen.rescued = *rescued;
  auto r = db.Query("SELECT node_id, pid, heartbeat_at FROM vigil_nodes WHERE node_id <> $1 AND hostname = $2 AND stopped_at IS NULL",
                    {beat.node_id, beat.hostname});
  if (!r.ok()) return r.status();
  seen.others_on_host = Nodes(*r, 0);
  return seen;
}

Result<int64_t> RescueJobsOfGoneNode(SqlConnection& db, const std::string& node_id, TimePoint now) {
  int64_t rescued = 0;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto r = db.Query(HandBackRunning("'worker ' || locked_by || ' is gone (its process no longer runs)'", "locked_by = $2", "$1"),
                      {ToMicros(now), node_id});
    if (!r.ok()) return r.status();
    rescued = r->affected;
    return db.Query("UPDATE vigil_nodes SET stopped_at = $1 WHERE node_id = $2", {ToMicros(now), node_id}).status();
  });
  if (!s.ok()) return s;
  return rescued;
}

}  // namespace vigil

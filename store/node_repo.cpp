#include "store/node_repo.h"

#include "store/db_time.h"

namespace vigil {
namespace {

constexpr const char* kUpsert =
    "INSERT INTO vigil_nodes (node_id, hostname, pid, version, started_at, heartbeat_at, stopped_at)"
    " VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = $5, stopped_at = $6";
constexpr const char* kOthersOnHost =
    "SELECT node_id, pid, heartbeat_at FROM vigil_nodes WHERE node_id <> $1 AND hostname = $2 AND stopped_at IS NULL";

std::vector<SqlValue> BeatParams(const NodeBeat& beat) {
  int64_t us = ToMicros(beat.at);
  return {beat.node_id, beat.hostname, beat.pid, beat.version, us, beat.stopping ? SqlValue(us) : SqlValue(SqlNull{})};
}

}  // namespace

Status RecordNodeBeat(SqlConnection& db, const NodeBeat& beat) { return db.Query(kUpsert, BeatParams(beat)).status(); }

Result<std::vector<UnstoppedNode>> BeatAndListHostNodes(SqlConnection& db, const NodeBeat& beat) {
  // On PostgreSQL a data-modifying WITH runs whether or not the query reads it; the SELECT sees
  // the rows as they were before it, which only matters for this node's own row, left out.
  bool pg = db.dialect() == "postgres";
  if (!pg) {
    Status s = RecordNodeBeat(db, beat);
    if (!s.ok()) return s;
  }
  auto r = pg ? db.Query(std::string("WITH beat AS (") + kUpsert + " RETURNING 1) " + kOthersOnHost, BeatParams(beat))
              : db.Query(kOthersOnHost, {beat.node_id, beat.hostname});
  if (!r.ok()) return r.status();
  std::vector<UnstoppedNode> out;
  for (const auto& row : r->rows) out.push_back({row.Text(0), row.Int(1), row.Int(2)});
  return out;
}

}  // namespace vigil

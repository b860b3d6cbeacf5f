#include "store/log_offset_repo.h"

#include "store/db_time.h"

namespace vigil {

Status LockLogWatcher(SqlConnection& db, const std::string& watcher) {
  if (db.dialect() != "postgres") return Status::Ok();
  return db.Query("SELECT pg_advisory_xact_lock(hashtext($1))", {"vigil_log_offsets:" + watcher}).status();
}

Result<std::vector<LogOffset>> LoadLogOffsets(SqlConnection& db, const std::string& watcher) {
  auto r = db.Query("SELECT path, inode, position, head_hash FROM vigil_log_offsets WHERE watcher = $1 ORDER BY path", {watcher});
  if (!r.ok()) return r.status();
  std::vector<LogOffset> out;
  for (const auto& row : r->rows) out.push_back({row.Text(0), row.Int(1), row.Int(2), row.Text(3)});
  return out;
}

Status SaveLogOffsets(SqlConnection& db, const std::string& watcher, const std::vector<LogOffset>& offsets, TimePoint now) {
  auto del = db.Query("DELETE FROM vigil_log_offsets WHERE watcher = $1", {watcher});
  if (!del.ok()) return del.status();
  for (const auto& o : offsets) {
    auto ins = db.Query("INSERT INTO vigil_log_offsets (watcher, path, inode, position, head_hash, updated_at)"
                        " VALUES ($1, $2, $3, $4, $5, $6)",
                        {watcher, o.path, o.inode, o.position, o.head_hash, ToMicros(now)});
    if (!ins.ok()) return ins.status();
  }
  return Status::Ok();
}

}  // namespace vigil

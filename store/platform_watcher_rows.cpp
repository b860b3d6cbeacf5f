// The platform's own rows of `watchers` (those vigil did not sync from its YAML): listed, found,
// saved and removed. Declared in store/watcher_repo.h.
#include "store/watcher_repo.h"

#include "store/db_time.h"

namespace vigil {

namespace {

constexpr const char* kRowColumns =
    "SELECT w.id, w.name, w.watcher_type, w.description, s.name, w.query, w.poll_interval_seconds, w.enabled, w.config,"
    " w.auto_create_thread, w.auto_thread_approval_rate, w.updated_at"
    " FROM watchers w LEFT JOIN subreddits s ON s.id = w.subreddit_id";

Result<std::vector<PlatformWatcherRow>> ReadRows(SqlConnection& db, const std::string& where, const std::vector<SqlValue>& params) {
  auto r = db.Query(std::string(kRowColumns) + where + " ORDER BY w.id", params);
  if (!r.ok()) return r.status();
  std::vector<PlatformWatcherRow> out;
  for (const auto& row : r->rows) {
    if (IsVigilManagedConfig(row.Text(8))) continue;
    PlatformWatcherRow w;
    w.id = row.Text(0);
    w.name = row.Text(1);
    w.type = row.Text(2);
    w.description = row.Text(3);
    w.community = row.Text(4);
    w.query = row.Text(5);
    w.poll_interval_seconds = row.Int(6);
    w.enabled = row.Bool(7);
    w.config = row.Text(8);
    w.auto_create_thread = row.Bool(9);
    w.auto_thread_approval_rate = row.IsNull(10) ? 0.8 : row.Double(10);
    w.updated_at = row.Text(11);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

// The rows vigil synced from YAML are left out by the database (the daemon reads the table every
// platform_watchers.check_interval, and with ten thousand YAML watchers they are all but the whole
// table); ReadRows checks each row it gets again. A config SQLite cannot read as JSON is kept.
Result<std::vector<PlatformWatcherRow>> ListPlatformWatcherRows(SqlConnection& db) {
  const char* vigils = db.dialect() == "postgres"
                           ? " WHERE (w.config ->> 'managed_by') IS DISTINCT FROM 'vigil'"
                           : " WHERE (CASE WHEN json_valid(w.config) THEN json_extract(w.config, '$.managed_by') END)"
                             " IS NOT 'vigil'";
  return ReadRows(db, vigils, {});
}

Result<std::optional<PlatformWatcherRow>> FindPlatformWatcherRow(SqlConnection& db, const std::string& id_or_name) {
  if (auto id = UuidIn(id_or_name, db.uuid_form())) {
    auto rows = ReadRows(db, " WHERE w.id = $1", {*id});
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) return std::optional<PlatformWatcherRow>(rows->front());
  }
  auto rows = ReadRows(db, " WHERE w.name = $1", {id_or_name});
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) return std::optional<PlatformWatcherRow>();
  return std::optional<PlatformWatcherRow>(rows->front());
}

Result<std::string> SavePlatformWatcherRow(SqlConnection& db, PlatformWatcherRow row, TimePoint now) {
  std::string ts = SeedTimestamp(now, db.dialect());
  bool pg = db.dialect() == "postgres";
  std::string id;
  Status s = InTransaction(db, true, [&]() -> Status {
    SqlValue community = SqlNull{};
    if (!row.community.empty()) {
      auto c = EnsureCommunity(db, row.community, now);
      if (!c.ok()) return c.status();
      community = *c;
    }
    std::vector<SqlValue> params = {row.type, community, row.description, row.query, row.poll_interval_seconds,
                                    int64_t(row.enabled), row.config, int64_t(row.auto_create_thread),
                                    row.auto_thread_approval_rate, ts, row.name};
    std::string enabled = pg ? "$6::int::boolean" : "$6";
    std::string auto_thread = pg ? "$8::int::boolean" : "$8";
    std::string config = "$7";
    if (row.id.empty()) {
      id = db.NewId();
      params.push_back(id);
      auto ins = db.Query("INSERT INTO watchers (watcher_type, subreddit_id, description, query, poll_interval_seconds,"
                          " enabled, config, auto_create_thread, auto_thread_approval_rate, created_at, updated_at, name, id)"
                          " VALUES ($1, $2, $3, $4, $5, " + enabled + ", " + config + ", " + auto_thread + ", $9, $10, $10, $11, $12)",
                          params);
      return ins.status();
    }
    id = row.id;
    params.push_back(id);
    auto upd = db.Query("UPDATE watchers SET watcher_type = $1, subreddit_id = $2, description = $3, query = $4,"
                        " poll_interval_seconds = $5, enabled = " + enabled + ", config = " + config +
                            ", auto_create_thread = " + auto_thread + ", auto_thread_approval_rate = $9, updated_at = $10,"
                            " name = $11 WHERE id = $12",
                        params);
    if (!upd.ok()) return upd.status();
    if (upd->affected == 0) return Status::Error("no watcher row " + id);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

Result<WatcherRowRemoval> RemovePlatformWatcherRow(SqlConnection& db, const std::string& id, bool purge, TimePoint now) {
  WatcherRowRemoval out;
  Status s = InTransaction(db, true, [&]() -> Status {
    auto counts = db.Query("SELECT (SELECT COUNT(*) FROM watcher_events WHERE watcher_id = $1),"
                           " (SELECT COUNT(*) FROM notifications WHERE watcher_id = $1)", {id});
    if (!counts.ok()) return counts.status();
    out.events = counts->rows[0].Int(0);
    out.notifications = counts->rows[0].Int(1);
    if ((out.events > 0 || out.notifications > 0) && !purge) {
      out.disabled = true;
      auto upd = db.Query(std::string("UPDATE watchers SET enabled = ") + (db.dialect() == "postgres" ? "false" : "0") +
                              ", updated_at = $1 WHERE id = $2",
                          {SeedTimestamp(now, db.dialect()), id});
      return upd.status();
    }
    const std::string events = "SELECT id FROM watcher_events WHERE watcher_id = $1";
    for (const std::string& sql :
         {"DELETE FROM notifications WHERE watcher_id = $1 OR event_id IN (" + events + ")",
          std::string("DELETE FROM vigil_digest_items WHERE event_id IN"
                      " (SELECT CAST(id AS TEXT) FROM watcher_events WHERE watcher_id = $1)"),
          std::string("DELETE FROM vigil_event_sources WHERE watcher_id = $1"),
          std::string("DELETE FROM watcher_events WHERE watcher_id = $1"),
          std::string("DELETE FROM vigil_watcher_state WHERE watcher_name = CAST($1 AS TEXT)"),
          std::string("DELETE FROM watchers WHERE id = $1")}) {
      auto r = db.Query(sql, {id});
      if (!r.ok()) return r.status();
    }
    out.deleted = true;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace vigil

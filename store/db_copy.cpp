#include "store/db_copy.h"

#include <sqlite3.h>

#include <algorithm>
#include <set>

#include "store/migrator.h"
#include "store/shared_tables.h"

namespace vigil {
namespace {

// Parents before children (foreign keys); the rest follow in name order.
const std::vector<std::string> kFirst = {"subreddits", "watchers", "watcher_events", "notifications"};

Result<std::vector<std::string>> TablesOf(SqlConnection& db) {
  auto r = db.dialect() == "postgres"
               ? db.Query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                          " AND table_type = 'BASE TABLE' ORDER BY 1")
               : db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1");
  if (!r.ok()) return r.status();
  std::vector<std::string> names;
  for (const auto& row : r->rows) names.push_back(row.Text(0));
  return names;
}

Result<std::set<std::string>> BooleanColumns(SqlConnection& db, const std::string& table) {
  std::set<std::string> out;
  if (db.dialect() != "postgres") return out;
  auto r = db.Query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                    " AND table_name = $1 AND data_type = 'boolean'", {table});
  if (!r.ok()) return r.status();
  for (const auto& row : r->rows) out.insert(row.Text(0));
  return out;
}

// PostgreSQL hands booleans back as t/f and timestamps with "+00"; SQLite keeps 1/0 and bare UTC.
SqlValue ForTarget(const SqlValue& v, bool boolean, std::string_view target) {
  auto* text = std::get_if<std::string>(&v);
  if (text == nullptr || target != "sqlite") return v;
  if (boolean) return int64_t(*text == "t" || *text == "true");
  if (text->size() >= 22 && text->compare(text->size() - 3, 3, "+00") == 0 && (*text)[4] == '-' && (*text)[10] == ' ')
    return text->substr(0, text->size() - 3);
  return v;
}

Status CopyTable(SqlConnection& from, SqlConnection& to, const std::string& table, TableCopyReport* report) {
  auto bools = BooleanColumns(from, table);
  if (!bools.ok()) return bools.status();
  auto rows = from.Query("SELECT * FROM " + table);
  if (!rows.ok()) return rows.status();
  report->source_rows = static_cast<int64_t>(rows->rows.size());
  std::string cols, marks;
  for (size_t i = 0; i < rows->columns.size(); ++i) {
    cols += (i ? ", " : "") + ("\"" + rows->columns[i] + "\"");
    marks += (i ? ", $" : "$") + std::to_string(i + 1);
  }
  std::string insert = "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")";
  Status s = InTransaction(to, true, [&]() -> Status {
    for (const auto& row : rows->rows) {
      std::vector<SqlValue> params;
      for (size_t i = 0; i < row.size(); ++i) params.push_back(ForTarget(row.at(i), bools->count(rows->columns[i]) > 0, to.dialect()));
      auto r = to.Query(insert, params);
      if (!r.ok()) return r.status().WithContext(table);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  auto count = to.Query("SELECT COUNT(*) FROM " + table);
  if (!count.ok()) return count.status();
  report->target_rows = count->rows[0].Int(0);
  // A copied BIGSERIAL column must continue after the copied ids.
  if (to.dialect() == "postgres" && table == "vigil_jobs") {
    auto r = to.Query("SELECT setval(pg_get_serial_sequence('vigil_jobs', 'id'), COALESCE((SELECT MAX(id) FROM vigil_jobs), 0) + 1, false)");
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<TableCopyReport>> CopyVigilTables(SqlConnection& from, SqlConnection& to,
                                                     const std::function<void(const TableCopyReport&)>& progress) {
  auto source_version = SchemaVersion(from);
  if (!source_version.ok()) return source_version.status();
  if (*source_version == 0) return Status::Error("the source holds no vigil database (no schema_migrations)");
  auto migrated = Migrate(to);
  if (!migrated.ok()) return migrated.status().WithContext("migrating the target");
  if (migrated->to_version != *source_version)
    return Status::Error("schema versions differ (source " + std::to_string(*source_version) + ", target " +
                         std::to_string(migrated->to_version) + "): run `vigil migrate` on the source first");
  if (to.dialect() == "postgres") (void)to.ExecScript("SET TIME ZONE 'UTC'");
  if (from.dialect() == "postgres") (void)from.ExecScript("SET TIME ZONE 'UTC'");
  auto source_tables = TablesOf(from);
  auto target_tables = TablesOf(to);
  if (!source_tables.ok()) return source_tables.status();
  if (!target_tables.ok()) return target_tables.status();
  std::vector<std::string> order;
  for (const auto& t : kFirst) order.push_back(t);
  for (const auto& t : *target_tables) {
    // The migration record and vigil_settings (who made which platform table, the id form) are
    // the target's own facts, written by its migration; vigil_changes, the live stream's feed, is
    // the target's own too (its triggers write it as jobs and events are copied; cleared below),
    // and so is the triage epoch (a count of the target's own triage batches, docs/triage.md).
    if (t != "schema_migrations" && t != "vigil_settings" && t != "vigil_changes" && t != "vigil_triage_epoch" &&
        std::find(order.begin(), order.end(), t) == order.end())
      order.push_back(t);
  }
  for (const auto& t : order) {
    auto count = to.Query("SELECT COUNT(*) FROM " + t);
    if (count.ok() && count->rows[0].Int(0) > 0) return Status::Error("the target's table " + t + " is not empty; copy into a fresh database");
  }
  std::vector<TableCopyReport> reports;
  for (const auto& t : order) {
    if (std::find(source_tables->begin(), source_tables->end(), t) == source_tables->end()) continue;
    TableCopyReport rep{t};
    Status s = CopyTable(from, to, t, &rep);
    if (!s.ok()) return s;
    if (rep.source_rows != rep.target_rows)
      return Status::Error(t + ": copied " + std::to_string(rep.source_rows) + " rows but the target holds " + std::to_string(rep.target_rows));
    if (progress) progress(rep);
    reports.push_back(rep);
  }
  if (Status s = ConvertCopiedIds(to); !s.ok()) return s.WithContext("bringing the copied ids to the target's form");
  // Copied rows are no news: a stream on the target starts from what happens there next.
  if (auto r = to.Query("DELETE FROM vigil_changes"); !r.ok()) return r.status().WithContext("clearing vigil_changes");
  return reports;
}

Status BackupSqlite(const std::string& sqlite_path, const std::string& dest_path) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto close = [&] {
    sqlite3_close_v2(src);
    sqlite3_close_v2(dst);
  };
  if (sqlite3_open_v2(sqlite_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = src ? sqlite3_errmsg(src) : "out of memory";
    close();
    return Status::Error("cannot open " + sqlite_path + ": " + msg);
  }
  if (sqlite3_open_v2(dest_path.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string msg = dst ? sqlite3_errmsg(dst) : "out of memory";
    close();
    return Status::Error("cannot create " + dest_path + ": " + msg);
  }
  sqlite3_busy_timeout(src, 5000);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == nullptr) {
    std::string msg = sqlite3_errmsg(dst);
    close();
    return Status::Error("backup: " + msg);
  }
  int rc;
  while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(5);
  sqlite3_backup_finish(b);
  std::string msg = sqlite3_errmsg(dst);
  close();
  if (rc != SQLITE_DONE) return Status::Error("backup of " + sqlite_path + " failed: " + msg);
  return Status::Ok();
}

}  // namespace vigil

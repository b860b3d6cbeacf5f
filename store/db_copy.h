// Copies vigil's own tables from one database to another (SQLite to PostgreSQL or back) with the
// daemon stopped: the target is migrated first and must hold no rows yet; rows are copied in
// batches inside one transaction per table; counts are compared at the end.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/sql.h"

namespace vigil {

struct TableCopyReport {
  std::string table;
  int64_t source_rows = 0;
  int64_t target_rows = 0;
};

// `progress` (optional) is told each table as it finishes.
Result<std::vector<TableCopyReport>> CopyVigilTables(SqlConnection& from, SqlConnection& to,
                                                     const std::function<void(const TableCopyReport&)>& progress = nullptr);

// SQLite's online backup of the database at `sqlite_path` into `dest_path` (safe while the daemon
// runs: a consistent snapshot).
Status BackupSqlite(const std::string& sqlite_path, const std::string& dest_path);

}  // namespace vigil

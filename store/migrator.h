// Applies the embedded migrations of a connection's dialect, in order, each in its own
// transaction, recording each in schema_migrations. Daemons starting together migrate once:
// PostgreSQL serialises on an advisory lock, SQLite on BEGIN IMMEDIATE. A database whose
// schema is newer than this binary is refused.
#pragma once

#include <vector>

#include "store/migrations.h"
#include "store/sql.h"

namespace vigil {

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // names, in order
};

Result<MigrationReport> Migrate(SqlConnection& db);
Result<MigrationReport> Migrate(SqlConnection& db, const std::vector<EmbeddedMigration>& migrations);

// The highest applied version (0 for a fresh database).
Result<int> SchemaVersion(SqlConnection& db);

}  // namespace vigil

// Numbered SQL migrations per dialect, embedded at build time from store/migrations/<dialect>/.
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct EmbeddedMigration {
  const char* dialect;  // "sqlite" or "postgres"
  int version;          // the leading number of the file name
  const char* name;     // file name without .sql
  const char* sql;
};

// All embedded migrations, sorted by dialect then version.
const std::vector<EmbeddedMigration>& EmbeddedMigrations();

// The migrations of one dialect, in version order.
std::vector<EmbeddedMigration> MigrationsFor(const std::string& dialect);

}  // namespace vigil

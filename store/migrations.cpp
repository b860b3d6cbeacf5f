#include "store/migrations.h"

#include <algorithm>

namespace vigil {

std::vector<EmbeddedMigration> MigrationsFor(const std::string& dialect) {
  std::vector<EmbeddedMigration> out;
  for (const auto& m : EmbeddedMigrations()) {
    if (dialect == m.dialect) out.push_back(m);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
}

}  // namespace vigil

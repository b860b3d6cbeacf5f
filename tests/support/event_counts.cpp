#include "tests/support/event_counts.h"

#include <nlohmann/json.hpp>

#include "store/sql.h"

namespace vigil::testing {

std::map<int, int> EventsPerLine(const std::string& database_url) {
  std::map<int, int> seen;
  auto db = OpenSqlConnection(database_url);
  if (!db.ok()) return seen;
  auto r = (*db)->Query("SELECT source_metadata FROM watcher_events");
  if (!r.ok()) return seen;
  for (const auto& row : r->rows) ++seen[std::stoi(nlohmann::json::parse(row.Text(0))["captures"].value("n", "0"))];
  return seen;
}

}  // namespace vigil::testing

// The database vigil may share with the platform (docs/design-notes.md "Shared database"): which
// of the platform's tables (subreddits, watchers, watcher_events, notifications) vigil created,
// so it adds its indexes only to those, and the form of the ids stored on SQLite. Both are
// settled by Migrate after the SQL migrations and recorded in vigil_settings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sql.h"

namespace vigil {

// The platform tables that exist in the database now.
Result<std::vector<std::string>> PresentPlatformTables(SqlConnection& db);

// Records once which platform tables are vigil's: those missing before vigil's first migration
// (`before_first`), or, for a database migrated before this was recorded (nullopt), those whose
// time column has a server default (vigil's CREATE TABLE gives one; a model's Python-side default
// does not). Adds vigil's indexes to its own tables and drops them from the platform's. Runs in
// one transaction; does nothing once recorded.
Status SettleTableOwnership(SqlConnection& db, const std::optional<std::vector<std::string>>& before_first);

// On SQLite, brings every stored id vigil wrote to db.uuid_form() (database.uuid_format): the
// platform tables' id and reference columns and every id inside vigil's own tables (job
// arguments and unique keys included), in one transaction, then records the form. Converting
// hexadecimal ids back to hyphens is refused with an error that says so. PostgreSQL stores
// native uuids: nothing to do.
Status SettleIdForm(SqlConnection& db);

// On SQLite storing hex ids: rewrites the hyphenated ids among the rows (what a copy from
// PostgreSQL brings) as SettleIdForm converts them, in one transaction. Nothing to do otherwise.
Status ConvertCopiedIds(SqlConnection& db);

}  // namespace vigil

// How CLI verbs reach the database the config names: to write (migrated first, so a fresh
// database works) or only to read (nothing created: a mistyped path is an error, not an empty
// table).
#include <filesystem>

#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "jobs/engine/database_target.h"
#include "common/database_url.h"
#include "sources/watcher_checks.h"
#include "store/migrator.h"

namespace vigil {

Result<std::unique_ptr<SqlConnection>> OpenDatabaseFromConfig(const std::string& path) {
  auto config = LoadConfig(path, kDeferSecrets);
  if (!config.ok()) return config.status();
  auto db = OpenSqlConnection(DatabaseTarget(**config));
  if (!db.ok()) return db.status();
  auto migrated = Migrate(**db);
  if (!migrated.ok()) return migrated.status();
  return db;
}

Result<std::unique_ptr<SqlConnection>> OpenDatabaseToRead(const std::string& path) {
  auto config = LoadConfig(path, kDeferSecrets);
  if (!config.ok()) return config.status();
  SqlTarget target = DatabaseTarget(**config);
  target.read_only = true;
  std::string where = RedactUrl(target.url) + " (database.url in " + path + ")";
  if (target.url.starts_with("sqlite:")) {
    std::string file = target.url.substr(7);
    if (!std::filesystem::exists(file)) {
      return Status::Error("no database at " + file + " (database.url in " + path +
                           "): nothing has been stored there yet; the daemon creates it when it starts, or run `vigil migrate --config " +
                           path + "`");
    }
  }
  auto db = OpenSqlConnection(target);
  if (!db.ok()) return db.status();
  auto version = SchemaVersion(**db);
  if (!version.ok()) return version.status();
  int newest = MigrationsFor(std::string((*db)->dialect())).back().version;
  if (*version == 0) return Status::Error("the database at " + where + " has no vigil tables yet: run `vigil migrate --config " + path + "`");
  if (*version < newest) {
    return Status::Error("the database at " + where + " is at schema version " + std::to_string(*version) + ", this vigil reads " +
                         std::to_string(newest) + ": run `vigil migrate --config " + path + "` (or restart the daemon)");
  }
  return db;
}

}  // namespace vigil

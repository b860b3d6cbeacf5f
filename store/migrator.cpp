#include "store/migrator.h"

#include <chrono>

#include "store/shared_tables.h"

namespace vigil {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
constexpr int64_t kPgLockKey = 0x76696769'6c6d6967;  // "vigilmig"

std::string NowText() {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  time_t t = secs.count();
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  return buf;
}

Status ApplyOne(SqlConnection& db, const EmbeddedMigration& m, bool* applied) {
  return InTransaction(db, true, [&]() -> Status {
    // Re-read inside the lock: another process may have applied it meanwhile.
    auto done = db.Query("SELECT 1 FROM schema_migrations WHERE version = $1", {int64_t(m.version)});
    if (!done.ok()) return done.status();
    if (!done->rows.empty()) return Status::Ok();
    Status s = db.ExecScript(m.sql);
    if (!s.ok()) return s.WithContext(std::string("migration ") + m.name);
    auto rec = db.Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                        {int64_t(m.version), std::string(m.name), NowText()});
    *applied = rec.ok();
    return rec.status();
  });
}

}  // namespace

Result<int> SchemaVersion(SqlConnection& db) {
  auto exists = db.TableExists("schema_migrations");
  if (!exists.ok()) return exists.status();
  if (!*exists) return 0;
  auto r = db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!r.ok()) return r.status();
  return static_cast<int>(r->rows.at(0).Int(0));
}

Result<MigrationReport> Migrate(SqlConnection& db) { return Migrate(db, MigrationsFor(std::string(db.dialect()))); }

Result<MigrationReport> Migrate(SqlConnection& db, const std::vector<EmbeddedMigration>& migrations) {
  bool pg = db.dialect() == "postgres";
  if (pg) {
    auto lock = db.Query("SELECT pg_advisory_lock($1)", {kPgLockKey});
    if (!lock.ok()) return lock.status();
  }
  auto finish = [&](Result<MigrationReport> r) {
    if (pg) (void)db.Query("SELECT pg_advisory_unlock($1)", {kPgLockKey});
    return r;
  };
  Status s = db.ExecScript(kCreateTable);
  if (!s.ok()) return finish(s);
  auto version = SchemaVersion(db);
  if (!version.ok()) return finish(version.status());
  MigrationReport report;
  report.from_version = report.to_version = *version;
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (*version > newest) {
    return finish(Status::Error("the database schema is at version " + std::to_string(*version) +
                                ", newer than this vigil knows (" + std::to_string(newest) +
                                "); upgrade vigil or point it at another database"));
  }
  // Before vigil's first migration, the platform tables already there are the platform's.
  std::optional<std::vector<std::string>> before_first;
  if (*version == 0) {
    auto present = PresentPlatformTables(db);
    if (!present.ok()) return finish(present.status());
    before_first = *present;
  }
  for (const auto& m : migrations) {
    if (m.version <= *version) continue;
    bool applied = false;
    s = ApplyOne(db, m, &applied);
    if (!s.ok()) return finish(s);
    if (applied) report.applied.push_back(m.name);
    report.to_version = m.version;
  }
  auto settings = db.TableExists("vigil_settings");  // migration 0007 on: not in every test's list
  if (!settings.ok()) return finish(settings.status());
  if (*settings) {
    if (s = SettleTableOwnership(db, before_first); !s.ok()) return finish(s.WithContext("settling the shared tables"));
    if (s = SettleIdForm(db); !s.ok()) return finish(s);
  }
  return finish(report);
}

}  // namespace vigil

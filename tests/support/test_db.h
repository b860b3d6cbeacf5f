// A fresh, empty database per test, for either dialect, and the one way a test readies vigil's
// schema in it: ConnectMigrated (connect, migrate, and declare the test's watchers as
// SyncWatchers would from a config). PostgreSQL tests use the server named by
// $VIGIL_TEST_PG_URL (scripts/test.sh starts a private one); without it they fail, they are
// never skipped.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/sql.h"
#include "store/watcher_repo.h"
#include "tests/support/temp_dir.h"

namespace vigil::testing {

class TestDb {
 public:
  // dialect: "sqlite" or "postgres".
  explicit TestDb(const std::string& dialect);
  ~TestDb();

  const std::string& url() const { return url_; }
  // A new connection to the database (fails the test on error).
  std::unique_ptr<SqlConnection> Connect() const;
  // A new connection to the database, migrated, with `watchers` declared (see ConnectMigrated).
  std::unique_ptr<SqlConnection> ConnectMigrated(const std::vector<WatcherDecl>& watchers = {}) const;

 private:
  std::string dialect_;
  std::string url_;
  std::string pg_name_;
  std::unique_ptr<TempDir> dir_;
};

// Applies vigil's migrations to `db`, then, when `watchers` is not empty, declares them
// (SyncWatchers at now). Fails the test and returns false on error.
bool MigrateAndSync(SqlConnection& db, const std::vector<WatcherDecl>& watchers = {});
// Opens `url` and MigrateAndSync()s it; nullptr (and the test failed) on error.
std::unique_ptr<SqlConnection> ConnectMigrated(const std::string& url, const std::vector<WatcherDecl>& watchers = {});
// The first column of the first row `sql` reads (a COUNT(*)); -1 and the test failed on error.
int64_t CountOf(SqlConnection& db, const std::string& sql);
// SyncWatchers(db, watchers, now); fails the test and returns false on error.
bool SyncTestWatchers(SqlConnection& db, const std::vector<WatcherDecl>& watchers);
// The id of community `name`, created if new (EnsureCommunity at now); "" and the test failed
// on error.
std::string TestCommunity(SqlConnection& db, const std::string& name);

// "postgresql://..." of the test server, or "" when $VIGIL_TEST_PG_URL is unset.
std::string TestPgBaseUrl();

// Both dialects, for INSTANTIATE_TEST_SUITE_P.
inline const char* kDialects[] = {"sqlite", "postgres"};

}  // namespace vigil::testing

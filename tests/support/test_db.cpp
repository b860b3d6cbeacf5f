#include "tests/support/test_db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "store/migrator.h"

namespace vigil::testing {
namespace {

std::string WithDatabase(const std::string& base, const std::string& db) {
  // base like postgresql://user@127.0.0.1:port/postgres
  auto slash = base.rfind('/');
  auto query = base.find('?', slash);
  return base.substr(0, slash + 1) + db + (query == std::string::npos ? "" : base.substr(query));
}

}  // namespace

std::string TestPgBaseUrl() {
  const char* url = std::getenv("VIGIL_TEST_PG_URL");
  return url ? url : "";
}

TestDb::TestDb(const std::string& dialect) : dialect_(dialect) {
  if (dialect == "sqlite") {
    dir_ = std::make_unique<TempDir>();
    url_ = "sqlite:" + dir_->File("test.db");
    return;
  }
  std::string base = TestPgBaseUrl();
  if (base.empty()) {
    ADD_FAILURE() << "VIGIL_TEST_PG_URL is not set: run the tests with scripts/test.sh, which starts a private PostgreSQL";
    return;
  }
  std::mt19937_64 rng(std::random_device{}());
  pg_name_ = "vigil_test_" + std::to_string(rng() % 1000000000000ULL);
  auto admin = OpenSqlConnection(base);
  if (!admin.ok()) {
    ADD_FAILURE() << admin.error();
    return;
  }
  auto created = (*admin)->ExecScript("CREATE DATABASE " + pg_name_);
  if (!created.ok()) ADD_FAILURE() << created.message();
  url_ = WithDatabase(base, pg_name_);
}

TestDb::~TestDb() {
  if (pg_name_.empty()) return;
  auto admin = OpenSqlConnection(TestPgBaseUrl());
  if (admin.ok()) (void)(*admin)->ExecScript("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
}

std::unique_ptr<SqlConnection> TestDb::Connect() const {
  auto conn = OpenSqlConnection(url_);
  if (!conn.ok()) {
    ADD_FAILURE() << conn.error();
    return nullptr;
  }
  return std::move(conn.value());
}

std::unique_ptr<SqlConnection> TestDb::ConnectMigrated(const std::vector<WatcherDecl>& watchers) const {
  return testing::ConnectMigrated(url_, watchers);
}

bool MigrateAndSync(SqlConnection& db, const std::vector<WatcherDecl>& watchers) {
  auto migrated = Migrate(db);
  if (!migrated.ok()) {
    ADD_FAILURE() << "migrate: " << migrated.error();
    return false;
  }
  return watchers.empty() || SyncTestWatchers(db, watchers);
}

std::unique_ptr<SqlConnection> ConnectMigrated(const std::string& url, const std::vector<WatcherDecl>& watchers) {
  auto conn = OpenSqlConnection(url);
  if (!conn.ok()) {
    ADD_FAILURE() << conn.error();
    return nullptr;
  }
  if (!MigrateAndSync(**conn, watchers)) return nullptr;
  return std::move(conn.value());
}

bool SyncTestWatchers(SqlConnection& db, const std::vector<WatcherDecl>& watchers) {
  auto synced = SyncWatchers(db, watchers, std::chrono::system_clock::now());
  if (!synced.ok()) ADD_FAILURE() << "sync watchers: " << synced.error();
  return synced.ok();
}

std::string TestCommunity(SqlConnection& db, const std::string& name) {
  auto id = EnsureCommunity(db, name, std::chrono::system_clock::now());
  if (!id.ok()) ADD_FAILURE() << "community " << name << ": " << id.error();
  return id.ok() ? *id : "";
}

int64_t CountOf(SqlConnection& db, const std::string& sql) {
  auto r = db.Query(sql);
  EXPECT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(!r.ok() || !r->rows.empty()) << sql << " read no row";
  return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
}

}  // namespace vigil::testing

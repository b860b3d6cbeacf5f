// Reading another database safely (store/sql.h): a connection opened read-only cannot write and,
// on SQLite, changes nothing of the file; a statement time limit cancels a long statement on both
// dialects and ends with its transaction.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "store/sql.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;

// A table with one row, written by an ordinary (writable) connection.
void Seed(const std::string& url) {
  auto db = OpenSqlConnection(url);
  ASSERT_TRUE(db.ok()) << db.error();
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE sessions (id TEXT PRIMARY KEY, status TEXT NOT NULL)").ok());
  ASSERT_TRUE((*db)->Query("INSERT INTO sessions (id, status) VALUES ('s1', 'INIT')").ok());
}

std::unique_ptr<SqlConnection> OpenReadOnly(const std::string& url) {
  auto db = OpenSqlConnection(SqlTarget{.url = url, .read_only = true});
  EXPECT_TRUE(db.ok()) << db.error();
  return db.ok() ? std::move(*db) : nullptr;
}

class ReadOnlyConnectionTest : public ::testing::TestWithParam<const char*> {
 protected:
  testing::TestDb db_{GetParam()};
};

TEST_P(ReadOnlyConnectionTest, ReadsButRefusesEveryWrite) {
  Seed(db_.url());
  auto ro = OpenReadOnly(db_.url());
  ASSERT_TRUE(ro);
  auto read = ro->Query("SELECT status FROM sessions");
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read->rows.at(0).Text(0), "INIT");
  auto update = ro->Query("UPDATE sessions SET status = 'ERROR'");
  ASSERT_FALSE(update.ok());
  EXPECT_TRUE(update.error().find("read-only") != std::string::npos || update.error().find("readonly") != std::string::npos)
      << update.error();
  EXPECT_FALSE(ro->ExecScript("CREATE TABLE intruder (x INTEGER)").ok());
  auto check = db_.Connect();
  EXPECT_EQ(check->Query("SELECT status FROM sessions")->rows.at(0).Text(0), "INIT");
}

TEST_P(ReadOnlyConnectionTest, AStatementPastItsLimitIsCancelledAndTheLimitEndsWithTheTransaction) {
  Seed(db_.url());
  auto ro = OpenReadOnly(db_.url());
  ASSERT_TRUE(ro);
  EXPECT_FALSE(ro->LimitStatementTime(std::chrono::seconds(1)).ok()) << "outside a transaction";
  bool pg = ro->dialect() == "postgres";
  // PostgreSQL sleeps; SQLite counts (about a second per 10 million steps, far past 300 ms).
  std::string slow = pg ? "SELECT pg_sleep(5)"
                        : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c";
  ASSERT_TRUE(ro->Begin().ok());
  ASSERT_TRUE(ro->LimitStatementTime(std::chrono::milliseconds(300)).ok());
  auto started = Clock::now();
  auto r = ro->Query(slow);
  auto took = Clock::now() - started;
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("statement timeout"), std::string::npos) << r.error();
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_TRUE(ro->Rollback().ok());
  EXPECT_TRUE(ro->healthy());
  // The next transaction has no limit: a statement longer than 300 ms runs to its end.
  std::string longer = pg ? "SELECT pg_sleep(0.5)"
                          : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c";
  ASSERT_TRUE(ro->Begin().ok());
  started = Clock::now();
  auto ok = ro->Query(longer);
  took = Clock::now() - started;
  EXPECT_TRUE(ok.ok()) << ok.error();
  EXPECT_GT(took, std::chrono::milliseconds(300)) << "the statement must outlast the old limit to show it lifted";
  EXPECT_TRUE(ro->Rollback().ok());
}

INSTANTIATE_TEST_SUITE_P(Dialects, ReadOnlyConnectionTest, ::testing::ValuesIn(testing::kDialects));

TEST(SqliteReadOnly, CreatesNoFileAndKeepsTheFilesJournalMode) {
  testing::TempDir dir;
  auto missing = OpenSqlConnection(SqlTarget{.url = "sqlite:" + dir.File("sub/none.db"), .read_only = true});
  EXPECT_FALSE(missing.ok());
  EXPECT_FALSE(std::filesystem::exists(dir.File("sub"))) << "neither the folder nor the file is created";
  std::string url = "sqlite:" + dir.File("platform.db");
  {
    auto owner = OpenSqlConnection(url);
    ASSERT_TRUE(owner.ok()) << owner.error();
    ASSERT_TRUE((*owner)->ExecScript("PRAGMA journal_mode=DELETE; CREATE TABLE t (x INTEGER)").ok());
  }
  auto ro = OpenReadOnly(url);
  ASSERT_TRUE(ro);
  EXPECT_EQ(ro->Query("PRAGMA journal_mode")->rows.at(0).Text(0), "delete") << "vigil's WAL setting is not applied";
  EXPECT_FALSE(std::filesystem::exists(dir.File("platform.db-wal")));
}

}  // namespace
}  // namespace vigil

// The settings every SQLite connection of vigil opens with (store/sqlite/sqlite_connection.cpp):
// WAL, a commit synced to disk (after the commit: sqlite_commit_sync_test.cpp), foreign keys, temporary files in memory, and a WAL file cut back
// to 64 MB after a burst.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_connection.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

std::string Pragma(SqlConnection& db, const std::string& name) {
  auto r = db.Query("PRAGMA " + name);
  EXPECT_TRUE(r.ok() && !r->rows.empty()) << name;
  return r.ok() && !r->rows.empty() ? r->rows[0].Text(0) : "";
}

TEST(SqliteSettings, EveryConnectionOpensWithVigilsSettings) {
  testing::TempDir dir;
  auto conn = OpenSqliteConnection(dir.File("settings.db"), 1000);
  ASSERT_TRUE(conn.ok()) << conn.error();
  SqlConnection& db = **conn;
  EXPECT_EQ(Pragma(db, "journal_mode"), "wal");
  EXPECT_EQ(Pragma(db, "synchronous"), "1") << "NORMAL, the WAL synced after each commit (sqlite_commit_sync_test.cpp)";
  EXPECT_EQ(Pragma(db, "foreign_keys"), "1");
  EXPECT_EQ(Pragma(db, "temp_store"), "2") << "MEMORY";
  EXPECT_EQ(Pragma(db, "journal_size_limit"), "67108864");
}

// The figures /metrics gives as vigil_sqlite_heap_bytes and vigil_sqlite_page_cache_bytes: the
// page cache grows as a connection reads pages of a file, is part of SQLite's heap, and goes with
// the connection.
TEST(SqliteSettings, HeapFiguresFollowThePagesAConnectionHolds) {
  testing::TempDir dir;
  SqliteHeap before = SqliteHeapNow();
  {
    auto conn = OpenSqliteConnection(dir.File("heap.db"), 1000);
    ASSERT_TRUE(conn.ok()) << conn.error();
    SqlConnection& db = **conn;
    ASSERT_TRUE(db.ExecScript("CREATE TABLE t (v TEXT); "
                              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
                              "INSERT INTO t SELECT printf('%.2000c', 'x') FROM n;")
                    .ok());
    ASSERT_TRUE(db.Query("SELECT SUM(LENGTH(v)) FROM t").ok());
    SqliteHeap held = SqliteHeapNow();
    // 200 rows of 2,000 bytes are about 100 pages of 4 KB, all read through this connection's cache.
    EXPECT_GT(held.page_cache_bytes - before.page_cache_bytes, 50 * 4096);
    EXPECT_GE(held.used_bytes, held.page_cache_bytes);
  }
  SqliteHeap after = SqliteHeapNow();
  EXPECT_LT(after.page_cache_bytes - before.page_cache_bytes, 4 * 4096) << "closing the connection frees its cache";
}

// Statements whose text varies (a placeholder list sized to its batch) are each compiled once and
// cached; the cache keeps about 1 MB of them a connection, so a connection that met hundreds of
// batch sizes does not hold them all (it held 3 MB, kept for good, before).
TEST(SqliteSettings, CachedStatementsStayWithinTheirBytes) {
  testing::TempDir dir;
  auto conn = OpenSqliteConnection(dir.File("statements.db"), 1000);
  ASSERT_TRUE(conn.ok()) << conn.error();
  SqlConnection& db = **conn;
  ASSERT_TRUE(db.ExecScript("CREATE TABLE t (a INTEGER, b TEXT, c TEXT)").ok());
  SqliteHeap before = SqliteHeapNow();
  for (int n = 1; n <= 250; ++n) {
    std::string sql = "INSERT INTO t (a, b, c) VALUES ";
    std::vector<SqlValue> params;
    for (int i = 0; i < n; ++i) {
      int k = 3 * i;
      sql += (i ? ", (" : "(") + std::string("$") + std::to_string(k + 1) + ", $" + std::to_string(k + 2) + ", $" +
             std::to_string(k + 3) + ")";
      params.emplace_back(int64_t{i});
      params.emplace_back(std::string("b"));
      params.emplace_back(std::string("c"));
    }
    ASSERT_TRUE(db.Query(sql, params).ok()) << n;
  }
  SqliteHeap after = SqliteHeapNow();
  int64_t statements = (after.used_bytes - after.page_cache_bytes) - (before.used_bytes - before.page_cache_bytes);
  EXPECT_LT(statements, int64_t{3} << 19) << "about 1 MB of compiled statements, not all 250";
  EXPECT_GT(statements, int64_t{1} << 19) << "the cache is used";
  // The statements still work after their cache let the older ones go.
  auto count = db.Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows[0].Int(0), 250 * 251 / 2);
}

}  // namespace
}  // namespace vigil

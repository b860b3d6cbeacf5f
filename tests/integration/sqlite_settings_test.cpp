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

}  // namespace
}  // namespace vigil

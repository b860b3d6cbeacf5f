// A SQLite commit is on disk when Commit returns, and the disk is waited for after the process's
// write gate is left (store/sqlite/sqlite_connection.cpp, SyncCommitted): the WAL synced once per
// committed write (a transaction or a statement of its own), never for a read, never inside the
// gate, and not at all on a connection whose commits were relaxed (RelaxCommitSync) until
// RestoreCommitSync. Real files, through a VFS that counts the WAL's syncs.
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/write_gate.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wal_syncs.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class SqliteCommitSync : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::CountWalSyncs();
    auto conn = OpenSqliteConnection(file_, 1000);
    ASSERT_TRUE(conn.ok()) << conn.error();
    db_ = std::move(*conn);
    ASSERT_TRUE(db_->ExecScript("CREATE TABLE t (x INTEGER)").ok());
  }
  int64_t Syncs() { return testing::WalSyncs(file_); }
  Status Write(int x) {
    return InTransaction(*db_, true, [&] { return db_->Query("INSERT INTO t (x) VALUES ($1)", {int64_t(x)}).status(); });
  }

  testing::TempDir dir_;
  std::string file_ = dir_.File("sync.db");
  std::unique_ptr<SqlConnection> db_;
};

TEST_F(SqliteCommitSync, EachCommittedWriteIsSyncedOnceAndNoReadIs) {
  int64_t start = Syncs();
  ASSERT_TRUE(Write(1).ok());
  EXPECT_EQ(Syncs(), start + 1) << "a write transaction";
  ASSERT_TRUE(db_->Query("INSERT INTO t (x) VALUES (2)").ok());
  EXPECT_EQ(Syncs(), start + 2) << "a statement of its own";
  ASSERT_TRUE(db_->Query("SELECT COUNT(*) FROM t").ok());
  ASSERT_TRUE(InTransaction(*db_, false, [&] { return db_->Query("SELECT x FROM t").status(); }).ok());
  EXPECT_EQ(Syncs(), start + 2) << "reads";
  Status failed = InTransaction(*db_, true, [&] {
    (void)db_->Query("INSERT INTO t (x) VALUES (3)");
    return Status::Error("changed my mind");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Syncs(), start + 2) << "a rolled-back write";
  ASSERT_TRUE(InTransaction(*db_, false, [&] { return db_->Query("INSERT INTO t (x) VALUES (4)").status(); }).ok());
  EXPECT_EQ(Syncs(), start + 3) << "a deferred transaction that wrote";
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM t")->rows[0].Int(0), 3);
}

TEST_F(SqliteCommitSync, TheSyncWaitsForTheDiskAfterTheWriteGateIsLeft) {
  std::atomic<int> seen{0}, gate_free{0};
  auto gate = WriteGate::For(std::filesystem::weakly_canonical(file_).string());
  ASSERT_TRUE(gate);
  testing::OnWalSync([&](const std::string&) {
    seen++;
    // Another thread of the process would get its turn now (this thread may not try a mutex it
    // might hold itself).
    bool free = std::async(std::launch::async, [&] {
                  if (!gate->Enter(0ms)) return false;
                  gate->Leave();
                  return true;
                }).get();
    if (free) gate_free++;
  });
  Status s = Write(5);
  testing::OnWalSync(nullptr);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(seen.load(), 1);
  EXPECT_EQ(gate_free.load(), 1) << "synced while the other writers were held back";
}

TEST_F(SqliteCommitSync, RelaxedCommitsAreNotSyncedUntilRestored) {
  ASSERT_TRUE(RelaxCommitSync(*db_).ok());
  int64_t start = Syncs();
  ASSERT_TRUE(Write(6).ok());
  EXPECT_EQ(Syncs(), start);
  ASSERT_TRUE(RestoreCommitSync(*db_).ok());
  ASSERT_TRUE(Write(7).ok());
  EXPECT_EQ(Syncs(), start + 1);
}

}  // namespace
}  // namespace vigil

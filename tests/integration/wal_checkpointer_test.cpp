// WalCheckpointer on a real SQLite file: in a process that asked for it, commits past SQLite's
// threshold leave the checkpoint to the file's own thread, which copies the WAL into the
// database; without it, commits checkpoint as SQLite does; a BackgroundCheckpoints scope (the
// embedding backfill's) gives the hook back when it ends.
#include "store/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/background_checkpoints.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void TearDown() override { WalCheckpointer::Enable(false); }

  std::unique_ptr<SqlConnection> Open() {
    auto db = OpenSqlConnection("sqlite:" + path_);
    EXPECT_TRUE(db.ok()) << db.error();
    return db.ok() ? std::move(*db) : nullptr;
  }
  // `n` commits of one 16 KB row each (4 or 5 WAL pages a commit).
  static void Write(SqlConnection& db, int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(db.Query("INSERT INTO blobs (data) VALUES (zeroblob(16384))").ok());
  }
  static int64_t AutoCheckpoint(SqlConnection& db) { return db.Query("PRAGMA wal_autocheckpoint")->rows[0].Int(0); }
  uintmax_t DbSize() { return std::filesystem::file_size(path_); }

  testing::TempDir dir_;
  std::string path_ = std::filesystem::absolute(dir_.File("w.db")).string();
};

TEST_F(WalCheckpointerTest, PastTheThresholdTheFilesOwnThreadCopiesTheWalIntoTheDatabase) {
  WalCheckpointer::Enable(true);
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)").ok());
  auto checkpointer = WalCheckpointer::For(path_);
  ASSERT_TRUE(checkpointer) << "one per file, shared with the connection";
  EXPECT_EQ(AutoCheckpoint(*db), 0) << "the connection's commits do not checkpoint";
  auto before = DbSize();
  Write(*db, 150);  // ~600 pages: under the threshold, nothing asked
  EXPECT_EQ(checkpointer->runs(), 0);
  EXPECT_EQ(DbSize(), before);
  Write(*db, 150);  // past it
  // Copied into the database: not necessarily all 300 blobs, as the WAL starts over once a
  // checkpoint has caught up with the writes, and what follows stays under the threshold.
  ASSERT_TRUE(testing::WaitFor([&] { return checkpointer->runs() > 0 && DbSize() > before + (2u << 20); }, 5s))
      << "runs " << checkpointer->runs() << ", database " << DbSize() << " bytes";
  EXPECT_EQ(db->Query("SELECT COUNT(*) FROM blobs")->rows[0].Int(0), 300);

  // The embedding backfill's own checkpoints, for a while: the hook is given back after. (The WAL
  // may have started over meanwhile: past the threshold again.)
  { BackgroundCheckpoints scoped(*db, {.every = 5ms}); }
  int64_t runs = checkpointer->runs();
  Write(*db, 300);
  EXPECT_TRUE(testing::WaitFor([&] { return checkpointer->runs() > runs; }, 5s)) << "the hook is attached again";
}

TEST_F(WalCheckpointerTest, WithoutItCommitsCheckpointAsSqliteDoes) {
  auto db = Open();
  ASSERT_TRUE(db);
  EXPECT_EQ(WalCheckpointer::For(path_), nullptr);
  EXPECT_EQ(AutoCheckpoint(*db), 1000);
}

}  // namespace
}  // namespace vigil

// BackgroundCheckpoints on a real SQLite file: the writer stops checkpointing while it lives, the
// other connection copies the WAL into the database, the WAL starts over past its bound, and the
// writer's setting comes back.
#include "store/sqlite/background_checkpoints.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class BackgroundCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenSqlConnection("sqlite:" + path_);
    ASSERT_TRUE(db.ok()) << db.error();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->ExecScript("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)").ok());
  }

  // `n` transactions of one 16 KB row each, a little apart, as a backfill writes its batches.
  void Write(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = db_->Query("INSERT INTO blobs (data) VALUES (zeroblob(16384))");
      ASSERT_TRUE(r.ok()) << r.error();
      std::this_thread::sleep_for(200us);  // a stimulus: the writes come a little apart
    }
  }
  int64_t AutoCheckpoint() { return db_->Query("PRAGMA wal_autocheckpoint")->rows[0].Int(0); }
  uintmax_t FileSize(const std::string& file) { return std::filesystem::file_size(file); }

  testing::TempDir dir_;
  std::string path_ = dir_.File("w.db");
  std::unique_ptr<SqlConnection> db_;
};

TEST_F(BackgroundCheckpointsTest, AnotherConnectionCheckpointsAndTheWalStartsOverPastItsBound) {
  {
    BackgroundCheckpoints checkpoints(*db_, {.every = 5ms, .restart_pages = 200});  // ~800 KB
    ASSERT_TRUE(checkpoints.active());
    EXPECT_EQ(AutoCheckpoint(), 0) << "the writer's commits do not checkpoint";
    Write(600);  // ~10 MB through the WAL
    // Once the thread has had a round after the last write, the database file holds the rows.
    (void)testing::WaitFor([&] { return FileSize(path_) > (8u << 20); }, 5s);
    EXPECT_GT(FileSize(path_), 8u << 20) << "the WAL was copied into the database meanwhile";
    EXPECT_LT(FileSize(path_ + "-wal"), 4u << 20) << "the WAL started over instead of growing to ~10 MB";
  }
  EXPECT_EQ(AutoCheckpoint(), 1000) << "SQLite's default is back";
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM blobs")->rows[0].Int(0), 600);
}

TEST_F(BackgroundCheckpointsTest, AReaderKeepingAnOldSnapshotDoesNotHoldTheWriterBackRoundAfterRound) {
  auto reader = OpenSqlConnection("sqlite:" + path_);
  ASSERT_TRUE(reader.ok()) << reader.error();
  Write(1);
  ASSERT_TRUE((*reader)->Begin().ok());
  ASSERT_EQ((*reader)->Query("SELECT COUNT(*) FROM blobs")->rows[0].Int(0), 1);  // holds its snapshot
  auto start = std::chrono::steady_clock::now();
  {
    BackgroundCheckpoints checkpoints(*db_, {.every = 5ms, .restart_pages = 200, .busy_timeout = 100ms});
    Write(600);  // ~10 MB: the WAL passes the bound 12 times, and no RESTART can finish
  }
  auto took = std::chrono::steady_clock::now() - start;
  // 600 writes take ~0.2-0.4 s, plus ~1.2 s for one RESTART (100 ms) per restart_pages of
  // growth (1.9 s measured); a RESTART tried every 5 ms round would hold nearly every write back
  // 100 ms (tens of seconds).
  EXPECT_LT(took, 6s) << std::chrono::duration<double>(took).count() << " s";
  ASSERT_TRUE((*reader)->Commit().ok());
  EXPECT_EQ(db_->Query("SELECT COUNT(*) FROM blobs")->rows[0].Int(0), 601);
}

TEST_F(BackgroundCheckpointsTest, WithoutItTheSameWritesLeaveTheCheckpointsToTheWriter) {
  // The contrast that makes the test above mean something: with checkpoints off and no thread,
  // the WAL would hold all ~10 MB.
  ASSERT_TRUE(db_->ExecScript("PRAGMA wal_autocheckpoint = 0").ok());
  Write(600);
  EXPECT_GT(FileSize(path_ + "-wal"), 9u << 20);
}

TEST_F(BackgroundCheckpointsTest, DoesNothingForAnInMemoryDatabase) {
  auto memory = OpenSqlConnection("sqlite::memory:");
  ASSERT_TRUE(memory.ok()) << memory.error();
  BackgroundCheckpoints checkpoints(**memory);
  EXPECT_FALSE(checkpoints.active());
}

}  // namespace
}  // namespace vigil

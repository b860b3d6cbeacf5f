// Compressed rotation on real files and both databases: app.log renamed to app.log.1 and gzipped
// to app.log.1.gz (a new inode) between two passes; the lines written before the rotation and not
// yet read are read from the .gz, each once; a .gz that is not the file, a damaged one, one still
// being written and a bomb are each handled without losing, doubling or blowing up.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "jobs/watch/log_tail_job.h"
#include "sources/log/log_files.h"
#include "sources/log/log_gzip_rotation.h"
#include "sources/watcher_checks.h"
#include "store/log_offset_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/gzip_file.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LogGzipRotationTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated({{.name = "app", .type = "log"}});
    ASSERT_TRUE(conn_);
    std::string yaml = "watchers:\n  - name: app\n    type: log\n    start_at: beginning\n    paths: ['" + dir_.File("app*") +
                       "']\n    rules:\n      - name: line\n        match: '^line (?P<n>\\d+)'\n";
    auto config = ParseConfig(yaml, dir_.File("vigil.yaml"));
    ASSERT_TRUE(config.ok()) << config.error();
    auto spec = ParseLogWatcherSpec(**config, (*config)->tree()["watchers"][0], 0);
    ASSERT_TRUE(spec.ok()) << spec.error();
    spec_ = std::move(*spec);
  }
  std::string Log() { return dir_.File("app.log"); }
  static std::string Lines(int from, int to) {
    std::string out;
    for (int i = from; i <= to; ++i) out += "line " + std::to_string(i) + " of the application log\n";
    return out;
  }
  void Append(const std::string& path, int from, int to) { std::ofstream(path, std::ios::app) << Lines(from, to); }
  // What `mv app.log app.log.1 && gzip app.log.1` leaves: app.log.1.gz, and no app.log.1.
  std::string RotateAndCompress() {
    fs::rename(Log(), Log() + ".1");
    std::string gz = Compressed(Log() + ".1");
    fs::remove(Log() + ".1");
    return gz;
  }
  std::string Compressed(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    testing::WriteFile(path + ".gz", testing::GzipBytes(content));
    return path + ".gz";
  }
  LogTailOutcome Pass(std::chrono::seconds later = 0s) {
    auto r = RunLogTailPass(*conn_, spec_, "", limiter_, std::chrono::system_clock::now() + later);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : LogTailOutcome{};
  }
  // How many events each line number has.
  std::map<int, int> Seen() {
    std::map<int, int> seen;
    auto r = conn_->Query("SELECT source_metadata FROM watcher_events");
    for (const auto& row : r->rows) ++seen[std::stoi(nlohmann::json::parse(row.Text(0))["captures"].value("n", "0"))];
    return seen;
  }
  void ExpectEachOnce(int from, int to) {
    auto seen = Seen();
    for (int i = from; i <= to; ++i) EXPECT_EQ(seen[i], 1) << "line " << i;
    EXPECT_EQ(seen.size(), static_cast<size_t>(to - from + 1));
  }
  std::vector<std::string> FollowedPaths() {
    std::vector<std::string> out;
    auto offsets = LoadLogOffsets(*conn_, "app");
    EXPECT_TRUE(offsets.ok());
    if (offsets.ok()) {
      for (const auto& o : *offsets) out.push_back(o.path);
    }
    return out;
  }

  testing::TestDb db_{GetParam()};
  testing::TempDir dir_;
  std::unique_ptr<SqlConnection> conn_;
  LogWatcherSpec spec_;
  RuleRateLimiter limiter_;
};

TEST_P(LogGzipRotationTest, LinesWrittenBeforeRotateAndCompressAreReadFromTheGzOnce) {
  Append(Log(), 1, 20);
  Pass();
  Append(Log(), 21, 30);  // written before the rotation, not yet read
  RotateAndCompress();
  Append(Log(), 31, 35);  // the new file
  Pass();
  ExpectEachOnce(1, 35);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{Log()}) << "the .gz was read to its end and let go";
  Append(Log(), 36, 40);
  Pass(60s);
  ExpectEachOnce(1, 40);
}

TEST_P(LogGzipRotationTest, CopytruncateThenCompressGivesTheLinesBeforeTheCopyFromTheGz) {
  Append(Log(), 1, 10);
  Pass();
  Append(Log(), 11, 20);  // not yet read when logrotate copies the file aside
  fs::copy_file(Log(), Log() + ".1");
  fs::resize_file(Log(), 0);
  Compressed(Log() + ".1");
  fs::remove(Log() + ".1");
  Append(Log(), 21, 22);
  Pass();
  ExpectEachOnce(1, 22);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{Log()});
}

TEST_P(LogGzipRotationTest, AGzWhoseHeadDiffersIsNotReadAndAGlobbedGzIsNeverTailed) {
  Append(Log(), 1, 10);
  Pass();
  fs::rename(Log(), dir_.File("elsewhere.txt"));  // gone, not rotated
  testing::WriteFile(Log() + ".1.gz", testing::GzipBytes(Lines(100, 110)));  // matches app*, another file
  testing::WriteFile(dir_.File("app.other.gz"), Lines(200, 210));           // text named .gz
  Append(Log(), 11, 12);
  Pass();
  Pass(60s);
  ExpectEachOnce(1, 12);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{Log()});
}

TEST_P(LogGzipRotationTest, ADamagedGzGivesTheLinesBeforeTheDamageAndIsLetGo) {
  Append(Log(), 1, 10);
  Pass();
  Append(Log(), 11, 3000);
  std::string gz = RotateAndCompress();
  std::string bytes = testing::GzipBytes(Lines(1, 3000));
  for (size_t i = bytes.size() * 3 / 4; i < bytes.size() * 3 / 4 + 32; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  testing::WriteFile(gz, bytes);
  Append(Log(), 3001, 3002);
  Pass();
  auto seen = Seen();
  for (int i = 1; i <= 1500; ++i) EXPECT_EQ(seen[i], 1) << "line " << i << " lies before the damage";
  EXPECT_EQ(seen[3001], 1);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{Log()});
  size_t events = seen.size();
  Pass(60s);
  EXPECT_EQ(Seen().size(), events) << "let go: not read again";
}

TEST_P(LogGzipRotationTest, WhileGzipWritesTheGzTheOriginalIsReadInstead) {
  Append(Log(), 1, 10);
  Pass();
  Append(Log(), 11, 3000);
  fs::rename(Log(), Log() + ".1");
  std::string bytes = testing::GzipBytes(Lines(1, 3000));
  testing::WriteFile(Log() + ".1.gz", bytes.substr(0, bytes.size() / 2));  // gzip is writing
  Pass();
  ExpectEachOnce(1, 3000);  // from app.log.1, the plain file
  testing::WriteFile(Log() + ".1.gz", bytes);  // gzip is done and deletes app.log.1
  fs::remove(Log() + ".1");
  Append(Log(), 3001, 3100);
  Pass();
  Pass(60s);
  ExpectEachOnce(1, 3100);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{Log()});
}

TEST_P(LogGzipRotationTest, AGzStillGrowingIsFollowedUntilItIsComplete) {
  Append(Log(), 1, 10);
  Pass();
  Append(Log(), 11, 3000);
  fs::rename(Log(), Log() + ".1");
  std::string gz = Log() + ".1.gz";
  std::string bytes = testing::GzipBytes(Lines(1, 3000));
  size_t half = bytes.size() / 2;
  testing::WriteFile(gz, bytes.substr(0, half));
  fs::remove(Log() + ".1");  // not as gzip does it, but a compressor may (or the original is elsewhere)
  Pass();
  size_t read = Seen().size();
  EXPECT_GT(read, 10u) << "what decompressed so far";
  EXPECT_LT(read, 3000u);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{gz}) << "followed until complete";
  std::ofstream(gz, std::ios::binary | std::ios::app) << bytes.substr(half);  // the compressor finishes
  Pass();
  ExpectEachOnce(1, 3000);
  EXPECT_TRUE(FollowedPaths().empty());
}

TEST_P(LogGzipRotationTest, AGzCutShortAndIdleIsLetGoWithWhatDecompressed) {
  Append(Log(), 1, 10);
  Pass();
  Append(Log(), 11, 3000);
  std::string gz = RotateAndCompress();
  std::string bytes = testing::GzipBytes(Lines(1, 3000));
  testing::WriteFile(gz, bytes.substr(0, bytes.size() / 2));  // and the compressor died
  Pass();
  size_t read = Seen().size();
  EXPECT_GT(read, 10u);
  EXPECT_EQ(FollowedPaths(), std::vector<std::string>{gz});
  Pass(kIncompleteGzipIdle + 1s);  // gzip died: nothing more will come
  EXPECT_TRUE(FollowedPaths().empty());
  EXPECT_EQ(Seen().size(), read) << "the fragment of the cut-off last line is no line";
  for (const auto& [n, count] : Seen()) EXPECT_EQ(count, 1) << "line " << n;
}

INSTANTIATE_TEST_SUITE_P(Dialects, LogGzipRotationTest, ::testing::ValuesIn(testing::kDialects));

// Straight through TailLogFiles: 50 MB of decompressed zeros behind the file's head take one
// budget's worth of bytes per pass, and no more time than inflating them.
TEST(LogGzipRotationBudget, ABombTakesOneBudgetPerPass) {
  testing::TempDir dir;
  LogWatcherSpec spec;
  spec.name = "app";
  spec.paths = {dir.File("app.log")};
  std::string head = "line 1 of the application log\n";
  testing::WriteGzipWithZeros(dir.File("app.log.1.gz"), head, 50u << 20);
  LogOffset row{dir.File("app.log"), 12345, static_cast<int64_t>(head.size()), std::to_string(head.size()) + ":" + Fnv1aHex(head)};
  TailOptions options;
  options.budget = 1 << 20;
  auto t0 = std::chrono::steady_clock::now();
  TailResult r = TailLogFiles(spec, {row}, std::chrono::system_clock::now(), options);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_TRUE(r.more);
  size_t bytes = 0;
  for (const auto& t : r.records) bytes += t.record.text.size();
  EXPECT_LE(bytes, options.budget);
  ASSERT_EQ(r.offsets.size(), 1u);
  EXPECT_EQ(r.offsets[0].path, dir.File("app.log.1.gz"));
  EXPECT_EQ(r.offsets[0].inode, 12345) << "the original file's identity";
  EXPECT_EQ(r.offsets[0].position, row.position + static_cast<int64_t>(options.budget));
}

}  // namespace
}  // namespace vigil

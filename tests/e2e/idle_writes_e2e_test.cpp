// An idle daemon writes nothing but its node heartbeats (issue #22, "Silent when idle"), through
// the built binary on SQLite and on a PostgreSQL of the test's own (the shared test server's WAL
// takes other tests' writes). The daemon has idle watchers of four kinds: a webhook, a timed
// watcher on an hourly cron, a feed watcher every hour (polled once at start, against a loopback
// stand-in serving a real feed), and a log watcher on a file that does not change (its 1 s
// fallback check finds no new bytes). Once the first poll's events are triaged and the crash
// sentinel has copied the start's log lines, over 30 s:
// every table but vigil_nodes keeps its content (a checksum of its rows), vigil_nodes changes only
// by heartbeats (at most one per 10 s), and the database grows by no more than those heartbeats:
// the WAL position (`pg_current_wal_lsn()`) on PostgreSQL, the -wal and database files on SQLite.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/private_postgres.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

constexpr auto kWindow = 30s;
constexpr auto kHeartbeat = 10s;
// Heartbeats the window can hold: one per kHeartbeat, and one more for where it falls.
constexpr int kMaxHeartbeats = 30 / 10 + 1;
// What one heartbeat may add: its UPDATE of one vigil_nodes row touches a page or two. SQLite:
// a WAL frame is a 4 KB page and a 24-byte header. PostgreSQL: a heap tuple update and an index
// entry, or a full-page image (8 KB) when it is the page's first change since a checkpoint.
constexpr int64_t kSqliteBytesPerHeartbeat = 2 * (4096 + 24);
constexpr int64_t kPostgresBytesPerHeartbeat = 2 * 8192 + 512;

class IdleWritesE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    Serve("/feed.atom", [](const HttpRequest&) {
      HttpResponse r;
      r.headers.emplace_back("Content-Type", "application/atom+xml");
      r.body = testing::ReadFixture("feeds/huginn/cdata_rss.atom");
      return r;
    });
    StartStandIn();
    log_file_ = dir_.Write("app.log", "a line from before the daemon started\n");
  }

  bool postgres() const { return std::string(GetParam()) == "postgres"; }

  std::string Config(const std::string& url) {
    return "database:\n  url: " + url + "\nhttp:\n  listen: 127.0.0.1:${PORT}\n"
           "watchers:\n"
           "  - name: hook\n    type: webhook\n    verify: {scheme: github, secret: idle-secret}\n"
           "  - name: hourly\n    type: scheduled\n    schedule: \"" + HalfAnHourAway() + " * * * *\"\n    emit:\n      title: 'hourly {{fire_at}}'\n"
           "  - name: feed\n    type: literature\n    source: feed\n    community: onc\n    every: 1h\n    url: " + Url("/feed.atom") + "\n"
           "  - name: app-log\n    type: log\n    paths: [" + log_file_ + "]\n    every: 1s\n"
           "    rules:\n      - name: error\n        match: 'ERROR (?P<what>.*)'\n        title: 'error: {{what}}'\n";
  }

  // An hourly schedule's minute half an hour from now: it fires nothing while the test runs (an
  // "@hourly" fired in the window of a run that crossed the hour).
  static std::string HalfAnHourAway() {
    auto minute = std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch()).count() % 60;
    return std::to_string((minute + 30) % 60);
  }
  // Every table's rows, as one string per table (vigil_nodes apart); column order and row order
  // as the database gives them, which an unchanged table keeps.
  static std::map<std::string, std::string> Contents(SqlConnection& db) {
    auto tables = db.dialect() == "postgres"
                      ? db.Query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                      : db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1");
    EXPECT_TRUE(tables.ok()) << tables.error();
    std::map<std::string, std::string> out;
    if (!tables.ok()) return out;
    for (const auto& t : tables->rows) {
      std::string name = t.Text(0);
      auto rows = db.Query("SELECT * FROM " + name);
      EXPECT_TRUE(rows.ok()) << name << ": " << rows.error();
      if (!rows.ok()) continue;
      std::string all;
      for (const auto& r : rows->rows) {
        for (size_t i = 0; i < r.size(); ++i) all += (r.IsNull(i) ? "\\N" : r.Text(i)) + "\x1f";
        all += "\x1e";
      }
      out[name] = std::to_string(rows->rows.size()) + " rows, hash " + std::to_string(std::hash<std::string>{}(all));
    }
    return out;
  }

  int64_t Scalar(SqlConnection& db, const std::string& sql) {
    auto r = db.Query(sql);
    EXPECT_TRUE(r.ok()) << r.error() << ": " << sql;
    return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
  }

  // What the database's files or WAL hold, in bytes.
  int64_t Written(SqlConnection& db) {
    if (postgres()) return Scalar(db, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::BIGINT");
    std::error_code ec;
    int64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
      auto size = std::filesystem::file_size(sqlite_file_ + suffix, ec);
      if (!ec) total += static_cast<int64_t>(size);
    }
    return total;
  }

  testing::TempDir dir_;
  std::string log_file_, sqlite_file_;
};

TEST_P(IdleWritesE2E, AnIdleDaemonWritesNothingButItsHeartbeats) {
  std::unique_ptr<testing::PrivatePostgres> pg;
  std::string url;
  if (postgres()) {
    pg = std::make_unique<testing::PrivatePostgres>();
    ASSERT_FALSE(pg->url().empty()) << "could not start a private PostgreSQL";
    url = pg->url();
  } else {
    sqlite_file_ = dir_.File("vigil.db");
    url = "sqlite:" + sqlite_file_;
  }
  auto opened = OpenSqlConnection(url);
  ASSERT_TRUE(opened.ok()) << opened.error();
  auto& db = **opened;
  if (postgres()) {
    // The server's own housekeeping is not the daemon's: autovacuum would analyze the tables the
    // start filled and write the statistics to the WAL within the window.
    ASSERT_TRUE(db.Query("ALTER SYSTEM SET autovacuum = off").ok());
    ASSERT_TRUE(db.Query("SELECT pg_reload_conf()").ok());
  }

  testing::DaemonProcess d;
  d.WriteConfig(Config(url));
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  ASSERT_TRUE(testing::WaitFor([&] { return ArrivedCount("/feed.atom") >= 1; }, 20s, 50ms)) << d.Stderr();
  // The first poll's events stored and triaged, their follow-ups done.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        return Scalar(db, "SELECT COUNT(*) FROM watcher_events") > 0 && Scalar(db, "SELECT COUNT(*) FROM vigil_triage_pending") == 0 &&
               Scalar(db, "SELECT COUNT(*) FROM vigil_jobs WHERE state IN ('available', 'running') AND run_at <= " +
                              std::string(postgres() ? "(extract(epoch FROM now()) * 1000000)::BIGINT"
                                                     : "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)")) == 0;
      },
      30s, 100ms))
      << d.Stderr();
  // The crash sentinel copies the daemon's recent log lines into its row every 30 s when they
  // changed: the start's lines are written once, up to 30 s after them; none follow while idle.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        return Scalar(db, "SELECT COUNT(*) FROM crash_sentinel WHERE status = 'running' AND system_log_snippet LIKE "
                          "'%literature watcher feed%'") == 1;
      },
      45s, 250ms))
      << d.Stderr();
  std::this_thread::sleep_for(2s);  // a settle: the last outcomes committed, the log watcher's first pass done

  auto before = Contents(db);
  int64_t written_before = Written(db);
  int64_t heartbeat_before = Scalar(db, "SELECT MAX(heartbeat_at) FROM vigil_nodes");
  std::this_thread::sleep_for(kWindow);
  auto after = Contents(db);
  int64_t written_after = Written(db);
  int64_t heartbeat_after = Scalar(db, "SELECT MAX(heartbeat_at) FROM vigil_nodes");

  ASSERT_EQ(before.size(), after.size());
  for (const auto& [table, content] : before) {
    if (table == "vigil_nodes") continue;
    EXPECT_EQ(after[table], content) << table << " changed while the daemon was idle; its log:\n" << d.Stderr();
  }
  EXPECT_GT(heartbeat_after, heartbeat_before) << "the node's heartbeat went on";
  int64_t grew = written_after - written_before;
  int64_t bound = kMaxHeartbeats * (postgres() ? kPostgresBytesPerHeartbeat : kSqliteBytesPerHeartbeat);
  std::cout << GetParam() << ": " << grew << " bytes written in " << kWindow.count() << " s idle (bound " << bound
            << ", heartbeats every " << kHeartbeat.count() << " s)\n";
  EXPECT_LE(grew, bound) << "the database grew by more than " << kMaxHeartbeats << " heartbeats";
  d.Signal(SIGTERM);
  EXPECT_TRUE(d.Wait(30s));
}

INSTANTIATE_TEST_SUITE_P(Dialects, IdleWritesE2E, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace vigil

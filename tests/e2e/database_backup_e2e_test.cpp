// The database_backup job through the built binary: on a schedule in the running daemon, vigil's
// own database (SQLite, and the test PostgreSQL) backed up, verified, restored and compared, with
// `keep:` honoured; `vigil jobs run database_backup --once` with another pg_dump named (the
// password in its environment, not its arguments) and with one that cannot run.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/subprocess.h"
#include "jobs/maintenance/database_backup.h"
#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

int64_t Count(SqlConnection& db, const std::string& sql) {
  auto r = db.Query(sql);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() && !r->rows.empty() ? r->rows[0].Int(0) : -1;
}

class DatabaseBackupE2E : public ::testing::TestWithParam<const char*> {};

TEST_P(DatabaseBackupE2E, AScheduledBackupRestoresAndKeepsTheNewest) {
  testing::TestDb own(GetParam());
  {
    auto db = own.ConnectMigrated();
    ASSERT_TRUE(db->Query("CREATE TABLE backup_marker (id INTEGER PRIMARY KEY, note TEXT)").ok());
    for (int i = 0; i < 25; ++i)
      ASSERT_TRUE(db->Query("INSERT INTO backup_marker (id, note) VALUES ($1, $2)", {int64_t(i), "row \u00e9 " + std::to_string(i)}).ok());
  }
  testing::DaemonProcess daemon;
  std::string dir = daemon.dir().File("backups");
  daemon.WriteConfig("database:\n  url: " + own.url() + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  poll_interval: 100ms\n"
                     "  database_backup:\n    every: 2s\n    dir: " + dir + "\n    keep: 2\n");
  ASSERT_TRUE(daemon.StartDaemon()) << daemon.Stderr();
  auto db = own.Connect();
  ASSERT_TRUE(testing::WaitFor([&] {
    return Count(*db, "SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'database_backup' AND state = 'completed'") >= 3;
  }, 60s, 200ms)) << daemon.Stderr();
  daemon.Signal(SIGTERM);
  ASSERT_TRUE(daemon.Wait(20s).has_value());

  auto backups = BackupsOf(dir, "vigil");
  ASSERT_EQ(backups.size(), 2u) << "keep: 2 after three runs";
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "backups hold the data: the folder is the owner's only";
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(entry.path().extension().string() == ".partial", false) << "no half-written file is left";

  std::unique_ptr<SqlConnection> restored;
  std::unique_ptr<testing::TestDb> target;
  if (std::string(GetParam()) == "sqlite") {
    EXPECT_TRUE(backups.back().ends_with(".sqlite3"));
    auto opened = OpenSqlConnection("sqlite:" + backups.back());
    ASSERT_TRUE(opened.ok()) << opened.error();
    restored = std::move(*opened);
  } else {
    EXPECT_TRUE(backups.back().ends_with(".dump"));
    target = std::make_unique<testing::TestDb>("postgres");
    auto r = RunProcess({"pg_restore", "--no-owner", "--dbname=" + target->url(), backups.back()}, {}, 60s);
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->exit_code, 0) << r->err;
    restored = target->Connect();
  }
  EXPECT_EQ(Count(*restored, "SELECT COUNT(*) FROM backup_marker"), 25);
  auto row = restored->Query("SELECT note FROM backup_marker WHERE id = 24");
  ASSERT_TRUE(row.ok() && row->rows.size() == 1);
  EXPECT_EQ(row->rows[0].Text(0), "row \u00e9 24");
  EXPECT_EQ(Count(*restored, "SELECT COUNT(*) FROM schema_migrations"), Count(*db, "SELECT COUNT(*) FROM schema_migrations"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, DatabaseBackupE2E, ::testing::ValuesIn(testing::kDialects));

TEST(DatabaseBackupOnce, PgDumpNamedByTheConfigGetsThePasswordInItsEnvironment) {
  testing::TestDb own("postgres");
  { (void)own.ConnectMigrated(); }
  testing::TempDir dir;
  // The wrapper records its arguments and PGPASSWORD, then runs the real pg_dump.
  std::string wrapper = dir.Write("my-pg_dump", "#!/bin/sh\necho \"args: $*\" > " + dir.File("seen") +
                                                    "\necho \"password: $PGPASSWORD\" >> " + dir.File("seen") +
                                                    "\nexec /usr/bin/pg_dump \"$@\"\n");
  chmod(wrapper.c_str(), 0755);
  std::string url = own.url();
  url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3,
              url.substr(url.find("://") + 3, url.find('@') - url.find("://") - 3) + ":s3cret%21");
  std::string config = dir.Write("vigil.yaml", "database:\n  url: sqlite:" + dir.File("vigil.db") +
                                                   "\njobs:\n  database_backup:\n    dir: " + dir.File("b") +
                                                   "\n    pg_dump: " + wrapper + "\n    pg_restore: /usr/bin/pg_restore\n"
                                                   "    databases: [\"" + url + "\"]\n");
  auto [rc, out] = testing::RunVigil({"jobs", "run", "database_backup", "--once", "--json", "--config", config});
  ASSERT_EQ(rc, 0) << out;
  std::ifstream seen_file(dir.File("seen"));
  std::string seen((std::istreambuf_iterator<char>(seen_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(seen.find("password: s3cret!"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("args: --format=custom --no-password --file="), 0u) << seen;
  std::string args_line = seen.substr(0, seen.find('\n'));
  EXPECT_EQ(args_line.find("s3cret"), std::string::npos) << "never among the arguments: " << args_line;
  EXPECT_EQ(out.find("s3cret"), std::string::npos) << "nor in the output";
  auto j = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_EQ(j["result"], "done");
  EXPECT_EQ(BackupsOf(dir.File("b"), "vigil").size(), 1u);
}

TEST(DatabaseBackupOnce, APgDumpThatCannotRunIsAClearFailure) {
  std::string base = testing::TestPgBaseUrl();
  ASSERT_FALSE(base.empty()) << "VIGIL_TEST_PG_URL is not set: run the tests with scripts/test.sh";
  testing::TempDir dir;
  std::string config = dir.Write("vigil.yaml", "database:\n  url: sqlite:" + dir.File("vigil.db") +
                                                   "\njobs:\n  database_backup:\n    dir: " + dir.File("b") +
                                                   "\n    pg_dump: /nonexistent/pg_dump\n    databases: [\"" + base + "\"]\n");
  auto [rc, out] = testing::RunVigil({"jobs", "run", "database_backup", "--once", "--config", config});
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("/nonexistent/pg_dump: cannot run"), std::string::npos) << out;
  EXPECT_EQ(BackupsOf(dir.File("b"), "vigil").size(), 1u) << "vigil's own SQLite is still backed up";
}

// A database whose backups fail tells notify.ops_channels once (an alert and its delivery job),
// not at every run, and once more when its backup works again.
TEST(DatabaseBackupOnce, TheOpsChannelsHearOfAFailureOnceAndOfTheRecovery) {
  testing::TempDir dir;
  std::string db_path = dir.File("vigil.db");
  auto yaml = [&](const std::string& pg_dump) {
    return dir.Write("vigil.yaml", "database:\n  url: sqlite:" + db_path +
                                       "\nnotify:\n  channels:\n    - {name: ops-hook, type: webhook, url: \"http://127.0.0.1:9/ops\"}\n"
                                       "  ops_channels: [ops-hook]\njobs:\n  database_backup:\n    dir: " + dir.File("b") +
                                       "\n    pg_dump: " + pg_dump + "\n    databases: [\"" + testing::TestPgBaseUrl() + "\"]\n");
  };
  auto run = [&](const std::string& config) {
    return testing::RunVigil({"jobs", "run", "database_backup", "--once", "--config", config}).first;
  };
  ASSERT_FALSE(testing::TestPgBaseUrl().empty()) << "VIGIL_TEST_PG_URL is not set: run the tests with scripts/test.sh";
  std::string broken = yaml("/nonexistent/pg_dump");
  EXPECT_EQ(run(broken), 1);
  EXPECT_EQ(run(broken), 1);
  auto db = OpenSqlConnection("sqlite:" + db_path);
  ASSERT_TRUE(db.ok()) << db.error();
  auto alerts = [&] {
    auto r = (*db)->Query("SELECT health, title, summary FROM vigil_health_alerts ORDER BY created_at");
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? r->rows : std::vector<SqlRow>{};
  };
  auto failed = alerts();
  ASSERT_EQ(failed.size(), 1u) << "two failed runs, one alert";
  EXPECT_EQ(failed[0].Text(0), "failing");
  EXPECT_NE(failed[0].Text(1).find("Backup of"), std::string::npos) << failed[0].Text(1);
  EXPECT_NE(failed[0].Text(2).find("/nonexistent/pg_dump: cannot run"), std::string::npos) << failed[0].Text(2);
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE kind = 'deliver' AND args LIKE '%health_alert_id%'"), 1);
  EXPECT_EQ(run(yaml("pg_dump")), 0);
  auto all = alerts();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].Text(0), "ok");
  EXPECT_NE(all[1].Text(1).find("work again"), std::string::npos) << all[1].Text(1);
  EXPECT_EQ(run(yaml("pg_dump")), 0);
  EXPECT_EQ(alerts().size(), 2u) << "working backups say nothing more";
}

}  // namespace
}  // namespace vigil

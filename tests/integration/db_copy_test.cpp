// vigil db copy: SQLite to a real PostgreSQL and back, counts and values intact.
#include "store/db_copy.h"

#include <gtest/gtest.h>

#include "store/event_repo.h"
#include "store/job_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

void Fill(SqlConnection& db) {
  ASSERT_TRUE(testing::MigrateAndSync(db, {{.name = "w", .type = "literature", .community = "onc", .enabled = true}}));
  auto id = **WatcherIdByName(db, "w");
  std::vector<EventInsert> events;
  for (int i = 0; i < 20; ++i) events.push_back({id, "", Event{.title = "t", .source_type = "feed", .source_id = std::to_string(i)}, {{.kind = "triage"}}});
  ASSERT_TRUE(InsertEvents(db, events, std::chrono::system_clock::now()).ok());
}

int64_t Count(SqlConnection& db, const std::string& sql) { return db.Query(sql)->rows[0].Int(0); }

TEST(DbCopy, SqliteToPostgresAndBack) {
  testing::TestDb sqlite("sqlite"), pg("postgres"), back("sqlite");
  auto a = sqlite.Connect();
  Fill(*a);
  auto b = pg.Connect();
  auto there = CopyVigilTables(*a, *b);
  ASSERT_TRUE(there.ok()) << there.error();
  EXPECT_EQ(Count(*b, "SELECT COUNT(*) FROM watcher_events"), 20);
  EXPECT_EQ(Count(*b, "SELECT COUNT(*) FROM watchers WHERE enabled"), 1);
  EXPECT_EQ(Count(*b, "SELECT COUNT(*) FROM vigil_jobs"), 20);
  // The copied queue keeps working: new ids continue after the copied ones.
  auto more = EnqueueJobs(*b, {{.kind = "noop"}}, std::chrono::system_clock::now());
  ASSERT_TRUE(more.ok()) << more.error();
  EXPECT_EQ((*more)[0].id, 21);
  auto c = back.Connect();
  auto home = CopyVigilTables(*b, *c);
  ASSERT_TRUE(home.ok()) << home.error();
  EXPECT_EQ(Count(*c, "SELECT COUNT(*) FROM watchers WHERE enabled = 1"), 1) << "booleans come back as 1/0";
  EXPECT_EQ(Count(*c, "SELECT COUNT(*) FROM vigil_jobs"), 21);
  // PostgreSQL hands its uuids back hyphenated: the SQLite target stores them as it stores its own.
  EXPECT_EQ(Count(*c, "SELECT COUNT(*) FROM watcher_events e JOIN vigil_event_sources s ON s.event_id = e.id"
                      " JOIN watchers w ON w.id = e.watcher_id WHERE length(e.id) = 32 AND length(w.id) = 32"), 20);
  EXPECT_EQ(Count(*c, "SELECT COUNT(*) FROM vigil_jobs WHERE args LIKE '%-%-%-%-%'"), 0);
}

TEST(DbCopy, RefusesANonEmptyTarget) {
  testing::TestDb x("sqlite"), y("sqlite");
  auto a = x.Connect();
  auto b = y.Connect();
  Fill(*a);
  Fill(*b);
  auto r = CopyVigilTables(*a, *b);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("is not empty"), std::string::npos) << r.error();
}

TEST(DbBackup, OnlineBackupThroughTheCli) {
  testing::DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\n");
  auto [mc, mout] = testing::RunVigil({"jobs", "enqueue", "noop", "--count", "7", "--config", d.config_path()});
  ASSERT_EQ(mc, 0) << mout;
  auto [code, out] = testing::RunVigil({"db", "backup", d.dir().File("copy.db"), "--config", d.config_path()});
  ASSERT_EQ(code, 0) << out;
  auto copy = OpenSqlConnection("sqlite:" + d.dir().File("copy.db"));
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(Count(**copy, "SELECT COUNT(*) FROM vigil_jobs"), 7);
}

}  // namespace
}  // namespace vigil

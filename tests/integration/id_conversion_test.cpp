// Databases written by earlier versions: on SQLite, the hyphenated ids they hold become 32 hex
// digits (database.uuid_format: hex, the default) in one transaction, every reference with them
// (job arguments and unique keys included); hex is never turned back. Tables an earlier version
// created keep vigil's indexes; indexes it put on the platform's tables are taken off.
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/migrator.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using testing::TestDb;

constexpr const char* kSub = "0190a5b2-0000-7000-8000-000000000001";
constexpr const char* kWatcher = "0190a5b2-0000-7000-8000-000000000002";
constexpr const char* kEvent = "0190a5b2-0000-7000-8000-000000000003";
constexpr const char* kNote = "0190a5b2-0000-7000-8000-000000000004";
constexpr const char* kDigest = "0190a5b2-0000-7000-8000-000000000005";
constexpr const char* kDelivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";  // a sender's id: data

std::string Hex(const char* id) { return *UuidIn(id, UuidForm::kHex); }

// Migrations 1 to 6 (the last before ids could be hex), with the indexes version 6's first
// migration put on the platform tables whoever had made them.
void MigrateToVersion6(SqlConnection& db) {
  std::vector<EmbeddedMigration> six;
  for (const auto& m : MigrationsFor(std::string(db.dialect())))
    if (m.version <= 6) six.push_back(m);
  auto r = Migrate(db, six);
  ASSERT_TRUE(r.ok()) << r.error();
  for (const char* ddl : {"CREATE UNIQUE INDEX IF NOT EXISTS watchers_name_key ON watchers (name)",
                          "CREATE UNIQUE INDEX IF NOT EXISTS watcher_events_source_key ON watcher_events (watcher_id, source_id)",
                          "CREATE INDEX IF NOT EXISTS watcher_events_detected ON watcher_events (detected_at)",
                          "CREATE INDEX IF NOT EXISTS notifications_status ON notifications (status, created_at)"}) {
    Status s = db.ExecScript(ddl);
    ASSERT_TRUE(s.ok()) << s.message();
  }
}

// A version-6 database with what that version wrote, ids hyphenated.
void WriteVersion6(SqlConnection& db) {
  MigrateToVersion6(db);
  const std::string t = "2026-01-01 00:00:00.000000";
  for (const auto& [sql, params] : std::vector<std::pair<std::string, std::vector<SqlValue>>>{
           {"INSERT INTO subreddits (id, name, created_at, updated_at) VALUES ($1, 'onc', $2, $2)", {kSub, t}},
           {"INSERT INTO watchers (id, watcher_type, subreddit_id, name, config, created_at, updated_at)"
            " VALUES ($1, 'webhook', $2, 'gh', '{\"managed_by\": \"vigil\"}', $3, $3)", {kWatcher, kSub, t}},
           {"INSERT INTO watcher_events (id, watcher_id, subreddit_id, source_id, detected_at) VALUES ($1, $2, $3, $4, $5)",
            {kEvent, kWatcher, kSub, kDelivery, t}},
           {"INSERT INTO notifications (id, watcher_id, event_id, subreddit_id, created_at) VALUES ($1, $2, $3, $4, $5)",
            {kNote, kWatcher, kEvent, kSub, t}},
           {"INSERT INTO vigil_triage_keys (community, dedupe_key, event_id, created_at) VALUES ($1, $2, $3, 1)",
            {kSub, std::string("id:") + kDelivery, kEvent}},
           {"INSERT INTO vigil_digest_items (community, event_id, notification_id, added_at, digest_id) VALUES ($1, $2, $3, 1, $4)",
            {kSub, kEvent, kNote, kDigest}},
           {"INSERT INTO vigil_digests (id, community, items, created_at) VALUES ($1, $2, $3, 1)",
            {kDigest, kSub, std::string("[{\"event_id\": \"") + kEvent + "\"}]"}},
           {"INSERT INTO vigil_jobs (kind, args, unique_key, run_at, created_at, updated_at) VALUES ('deliver', $1, $2, 1, 1, 1)",
            {std::string("{\"notification_id\": \"") + kNote + "\"}", std::string("deliver:") + kNote + ":slack"}},
       }) {
    auto q = db.Query(sql, params);
    ASSERT_TRUE(q.ok()) << sql << ": " << q.error();
  }
}

std::string One(SqlConnection& db, const std::string& sql) {
  auto r = db.Query(sql);
  EXPECT_TRUE(r.ok() && r->rows.size() == 1) << sql << ": " << (r.ok() ? "rows" : r.error());
  return r.ok() && r->rows.size() == 1 ? r->rows[0].Text(0) : "";
}

TEST(IdConversionTest, AVersion6SqliteDatabaseIsConvertedToHexWithEveryReference) {
  TestDb test("sqlite");
  auto db = test.Connect();
  WriteVersion6(*db);
  auto r = Migrate(*db);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(One(*db, "SELECT id FROM subreddits"), Hex(kSub));
  EXPECT_EQ(One(*db, "SELECT id || ' ' || subreddit_id FROM watchers"), Hex(kWatcher) + " " + Hex(kSub));
  EXPECT_EQ(One(*db, "SELECT id || ' ' || watcher_id || ' ' || source_id FROM watcher_events"),
            Hex(kEvent) + " " + Hex(kWatcher) + " " + kDelivery);
  EXPECT_EQ(One(*db, "SELECT id || ' ' || event_id || ' ' || watcher_id FROM notifications"),
            Hex(kNote) + " " + Hex(kEvent) + " " + Hex(kWatcher));
  EXPECT_EQ(One(*db, "SELECT community || ' ' || dedupe_key || ' ' || event_id FROM vigil_triage_keys"),
            Hex(kSub) + " id:" + kDelivery + " " + Hex(kEvent));
  EXPECT_EQ(One(*db, "SELECT event_id || ' ' || notification_id || ' ' || digest_id FROM vigil_digest_items"),
            Hex(kEvent) + " " + Hex(kNote) + " " + Hex(kDigest));
  EXPECT_EQ(One(*db, "SELECT items FROM vigil_digests"), "[{\"event_id\": \"" + Hex(kEvent) + "\"}]");
  EXPECT_EQ(One(*db, "SELECT args || ' ' || unique_key FROM vigil_jobs"),
            "{\"notification_id\": \"" + Hex(kNote) + "\"} deliver:" + Hex(kNote) + ":slack");
  EXPECT_EQ(One(*db, "SELECT watcher_id FROM vigil_watcher_names WHERE name = 'gh'"), Hex(kWatcher));
  EXPECT_EQ(One(*db, "SELECT event_id FROM vigil_event_sources"), Hex(kEvent));
  EXPECT_EQ(One(*db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), "0") << "no reference left dangling";
  EXPECT_EQ(One(*db, "SELECT value FROM vigil_settings WHERE key = 'uuid_format'"), "hex");
  // The version-6 database made its platform tables itself: they keep vigil's indexes.
  EXPECT_EQ(One(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('watcher_events_detected', 'notifications_status')"), "2");
  EXPECT_EQ(One(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('watchers_name_key', 'watcher_events_source_key')"), "0");
}

TEST(IdConversionTest, HyphenatedStaysWhenTheConfigSaysSoAndHexIsNeverTurnedBack) {
  TestDb test("sqlite");
  {
    auto db = test.Connect();
    db->set_uuid_form(UuidForm::kHyphenated);
    WriteVersion6(*db);
    auto r = Migrate(*db);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(One(*db, "SELECT id FROM watcher_events"), kEvent);
    EXPECT_EQ(db->NewId().size(), 36u);
  }
  TestDb fresh("sqlite");
  auto hex = fresh.ConnectMigrated();
  ASSERT_TRUE(hex);
  hex->set_uuid_form(UuidForm::kHyphenated);
  auto refused = Migrate(*hex);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("set database.uuid_format: hex"), std::string::npos) << refused.error();
}

TEST(IdConversionTest, IndexesAnEarlierVersionPutOnThePlatformsTablesAreTakenOff) {
  for (const char* dialect : testing::kDialects) {
    TestDb test(dialect);
    auto db = test.Connect();
    // The platform's table, without a server default on its time column, then version 6 on top.
    std::string id = std::string(dialect) == "sqlite" ? "CHAR(32)" : "UUID";
    ASSERT_TRUE(db->ExecScript("CREATE TABLE notifications (id " + id + " PRIMARY KEY, watcher_id " + id + ", event_id " + id +
                               ", subreddit_id " + id + ", title VARCHAR, summary TEXT, signal VARCHAR, suggested_hypothesis TEXT,"
                               " status VARCHAR, action_taken VARCHAR, thread_id " + id + ", created_at TIMESTAMP, acted_at TIMESTAMP)")
                    .ok());
    MigrateToVersion6(*db);
    auto r = Migrate(*db);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(One(*db, "SELECT value FROM vigil_settings WHERE key = 'vigil_platform_tables'"), "subreddits,watchers,watcher_events")
        << dialect;
    std::string count = std::string(dialect) == "sqlite"
                            ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'notifications_status'"
                            : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'notifications_status' AND schemaname = current_schema()";
    EXPECT_EQ(One(*db, count), "0") << dialect;
  }
}

}  // namespace
}  // namespace vigil

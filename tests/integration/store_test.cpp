// Migrations and watcher sync on both SQLite and a real PostgreSQL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "store/migrator.h"
#include "store/watcher_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

class StoreTest : public ::testing::TestWithParam<const char*> {
 protected:
  testing::TestDb db_{GetParam()};
};

TEST_P(StoreTest, MigratesFreshDatabase) {
  auto conn = db_.Connect();
  ASSERT_TRUE(conn);
  auto report = Migrate(*conn);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->from_version, 0);
  EXPECT_GE(report->to_version, 1);
  EXPECT_FALSE(report->applied.empty());
  for (const char* table : {"watchers", "watcher_events", "notifications", "subreddits", "crash_sentinel",
                            "pending_error_reports", "vigil_jobs", "vigil_schedule_fires", "vigil_nodes",
                            "vigil_http_cache", "vigil_log_offsets", "vigil_journal_cursors", "vigil_watcher_state",
                            "schema_migrations"}) {
    auto exists = conn->TableExists(table);
    ASSERT_TRUE(exists.ok());
    EXPECT_TRUE(*exists) << table;
  }
  for (const char* platform : {"messages", "conversations", "message_embeddings", "context_backups"}) {
    EXPECT_FALSE(*conn->TableExists(platform)) << platform << " belongs to the platform";
  }
}

// seeds/000 has watcher_events.raw_data and source_metadata as JSON (`json` from SQLAlchemy): a
// database vigil made with jsonb (migrations before 0023) is brought to json with its rows; a
// platform's own table is left as it is.
TEST_P(StoreTest, EventPayloadColumnsAreJsonAsThePlatformHasThem) {
  if (std::string(GetParam()) != "postgres") GTEST_SKIP() << "SQLite stores JSON as TEXT either way";
  auto conn = db_.Connect();
  ASSERT_TRUE(conn);
  auto all = MigrationsFor(GetParam());
  std::vector<EmbeddedMigration> before_json;
  for (const auto& m : all) {
    if (m.version < 23) before_json.push_back(m);
  }
  ASSERT_TRUE(Migrate(*conn, before_json).ok());
  auto type_of = [&](const char* column) {
    auto r = conn->Query("SELECT data_type FROM information_schema.columns WHERE table_name = 'watcher_events' AND column_name = $1",
                         {std::string(column)});
    return r.ok() && !r->rows.empty() ? r->rows[0].Text(0) : std::string("?");
  };
  ASSERT_EQ(type_of("raw_data"), "jsonb");
  ASSERT_TRUE(conn->Query("INSERT INTO watcher_events (id, title, source_type, source_id, raw_data, source_metadata, detected_at)"
                          " VALUES ('8f7c1f7e-3c2a-4d6b-9a51-0d2f4c6b7a10', 't', 'webhook', 's1', '{\"a\": [1, 2]}',"
                          " '{\"k\": \"v\"}', now())")
                  .ok());
  auto report = Migrate(*conn);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(type_of("raw_data"), "json");
  EXPECT_EQ(type_of("source_metadata"), "json");
  auto row = conn->Query("SELECT raw_data::text, source_metadata::text FROM watcher_events");
  ASSERT_TRUE(row.ok() && row->rows.size() == 1);
  EXPECT_EQ(nlohmann::json::parse(row->rows[0].Text(0)), nlohmann::json::parse(R"({"a": [1, 2]})"));
  EXPECT_EQ(nlohmann::json::parse(row->rows[0].Text(1)), nlohmann::json::parse(R"({"k": "v"})"));
  auto compression = conn->Query("SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'watcher_events'::regclass AND attname = 'raw_data'");
  ASSERT_TRUE(compression.ok());
  EXPECT_EQ(compression->rows[0].Text(0), "l") << "lz4 (Debian's PostgreSQL has it)";
  // A platform's json table is not touched: the migration applied again changes nothing.
  ASSERT_TRUE(conn->Query("ALTER TABLE watcher_events ALTER COLUMN raw_data SET COMPRESSION pglz").ok());
  ASSERT_TRUE(conn->Query("DELETE FROM schema_migrations WHERE version = 23").ok());
  ASSERT_TRUE(Migrate(*conn).ok());
  compression = conn->Query("SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'watcher_events'::regclass AND attname = 'raw_data'");
  EXPECT_EQ(compression->rows[0].Text(0), "p");
}

TEST_P(StoreTest, MigrateIsIdempotentOnExistingDatabase) {
  auto conn = db_.Connect();
  ASSERT_TRUE(Migrate(*conn).ok());
  auto again = Migrate(*conn);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, again->to_version);
  auto rows = conn->Query("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_EQ(rows->rows[0].Int(0), static_cast<int64_t>(MigrationsFor(GetParam()).size()));
}

TEST_P(StoreTest, AppliesOnlyNewMigrationsOnExistingDatabase) {
  auto conn = db_.Connect();
  auto all = MigrationsFor(GetParam());
  EmbeddedMigration extra{GetParam(), all.back().version + 1, "9999_extra", "CREATE TABLE vigil_extra (x INTEGER)"};
  ASSERT_TRUE(Migrate(*conn, all).ok());
  auto withExtra = all;
  withExtra.push_back(extra);
  auto report = Migrate(*conn, withExtra);
  ASSERT_TRUE(report.ok()) << report.error();
  ASSERT_EQ(report->applied, std::vector<std::string>{"9999_extra"});
  EXPECT_TRUE(*conn->TableExists("vigil_extra"));
}

TEST_P(StoreTest, FailedMigrationRollsBackAndIsNotRecorded) {
  auto conn = db_.Connect();
  auto all = MigrationsFor(GetParam());
  ASSERT_TRUE(Migrate(*conn, all).ok());
  auto broken = all;
  broken.push_back({GetParam(), all.back().version + 1, "9999_broken",
                    "CREATE TABLE vigil_half (x INTEGER); INSERT INTO no_such_table VALUES (1);"});
  auto report = Migrate(*conn, broken);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("9999_broken"), std::string::npos);
  EXPECT_FALSE(*conn->TableExists("vigil_half"));
  EXPECT_EQ(*SchemaVersion(*conn), all.back().version);
}

TEST_P(StoreTest, RefusesDatabaseNewerThanBinary) {
  auto conn = db_.Connect();
  ASSERT_TRUE(Migrate(*conn).ok());
  ASSERT_TRUE(conn->Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')").ok());
  auto report = Migrate(*conn);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("newer than this vigil knows"), std::string::npos) << report.error();
}

TEST_P(StoreTest, SyncWatchersCreatesUpdatesAndDisables) {
  auto conn = db_.ConnectMigrated();
  ASSERT_TRUE(conn);
  WatcherDecl a{.name = "a", .type = "webhook", .community = "oncology"};
  WatcherDecl b{.name = "b", .type = "literature", .query = "KRAS", .poll_interval_seconds = 3600};
  auto first = SyncWatchers(*conn, {a, b}, std::chrono::system_clock::now());
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->created, 2);

  b.query = "KRAS G12C";
  auto second = SyncWatchers(*conn, {b}, std::chrono::system_clock::now());
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->updated, 1);
  EXPECT_EQ(second->disabled, 1);

  auto rows = conn->Query("SELECT name, query, enabled, poll_interval_seconds FROM watchers ORDER BY name");
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_FALSE(rows->rows[0].Bool(2));
  EXPECT_EQ(rows->rows[1].Text(1), "KRAS G12C");
  EXPECT_TRUE(rows->rows[1].Bool(2));
  EXPECT_EQ(rows->rows[1].Int(3), 3600);
  auto community = conn->Query("SELECT COUNT(*) FROM subreddits WHERE name = 'oncology'");
  EXPECT_EQ(community->rows[0].Int(0), 1);
}

TEST_P(StoreTest, SyncOfManyWatchersCreatesThemInBatchesAndARestartRewritesNone) {
  auto conn = db_.ConnectMigrated();
  ASSERT_TRUE(conn);
  std::vector<WatcherDecl> decls;
  for (int i = 0; i < 250; ++i) {
    decls.push_back({.name = "feed-" + std::to_string(i), .type = "literature", .community = i % 2 ? "oncology" : "",
                     .query = "q" + std::to_string(i), .poll_interval_seconds = 3600, .config = {{"url", "https://x/" + std::to_string(i)}}});
  }
  auto first = SyncWatchers(*conn, decls, std::chrono::system_clock::now());
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->created, 250);
  auto count = [&](const std::string& sql) { return conn->Query(sql)->rows[0].Int(0); };
  EXPECT_EQ(count("SELECT COUNT(*) FROM watchers"), 250);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_watcher_names"), 250);
  EXPECT_EQ(count("SELECT COUNT(*) FROM subreddits WHERE name = 'oncology'"), 1);
  auto stamp = conn->Query("SELECT updated_at FROM watchers WHERE name = 'feed-7'")->rows[0].Text(0);

  auto again = SyncWatchers(*conn, decls, std::chrono::system_clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->created, 0);
  EXPECT_EQ(again->updated, 0) << "an unchanged watcher is not written";
  EXPECT_EQ(conn->Query("SELECT updated_at FROM watchers WHERE name = 'feed-7'")->rows[0].Text(0), stamp);

  decls[7].config["url"] = "https://x/seven";
  ASSERT_TRUE(conn->Query("DELETE FROM watchers WHERE name = 'feed-8'").ok());
  auto third = SyncWatchers(*conn, decls, std::chrono::system_clock::now() + std::chrono::hours(2));
  ASSERT_TRUE(third.ok()) << third.error();
  EXPECT_EQ(third->updated, 1) << "a changed config is written";
  EXPECT_EQ(third->created, 1) << "a deleted row is made again";
  EXPECT_EQ(count("SELECT COUNT(*) FROM watchers"), 250);
  EXPECT_EQ(count("SELECT COUNT(*) FROM vigil_watcher_names"), 250) << "under its old id";
}

TEST_P(StoreTest, SyncLeavesPlatformWatchersAlone) {
  auto conn = db_.ConnectMigrated();
  ASSERT_TRUE(conn);
  std::string enabled = std::string(GetParam()) == "postgres" ? "true" : "1";
  ASSERT_TRUE(conn->Query("INSERT INTO watchers (id, watcher_type, name, enabled, config) VALUES "
                          "('0190a0b0-0000-7000-8000-000000000001', 'literature', 'platform-own', " + enabled + ", '{}')").ok());
  auto report = SyncWatchers(*conn, {}, std::chrono::system_clock::now());
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_EQ(report->disabled, 0);
}

// The rows the daemon reads every check_interval: the platform's, whatever their config holds,
// and none of the rows vigil synced from its YAML.
TEST_P(StoreTest, PlatformRowsAreEveryRowButVigilsWhateverTheirConfigHolds) {
  auto conn = db_.ConnectMigrated();
  ASSERT_TRUE(conn);
  bool pg = std::string(GetParam()) == "postgres";
  auto synced = SyncWatchers(*conn, {WatcherDecl{.name = "from-yaml", .type = "webhook"}}, std::chrono::system_clock::now());
  ASSERT_TRUE(synced.ok()) << synced.error();
  std::vector<std::pair<std::string, std::string>> configs = {
      {"plain", R"({"source": "pubmed"})"},  {"number-marker", R"({"managed_by": 5})"},
      {"other-marker", R"({"managed_by": "someone"})"}, {"nested", R"({"x": {"managed_by": "vigil"}})"},
      {"array", "[1, 2]"},                    {"scalar", "\"vigil\""},
      {"internal-text", R"({"internal": "yes"})"}};
  if (!pg) configs.push_back({"not-json", "{oops"});
  int n = 0;
  for (const auto& [name, config] : configs) {
    std::string id = "0190a0b0-0000-7000-8000-00000000010" + std::to_string(n++);
    ASSERT_TRUE(conn->Query("INSERT INTO watchers (id, watcher_type, name, config) VALUES ($1, 'literature', $2, $3)",
                            {id, name, config})
                    .ok())
        << name;
  }
  ASSERT_TRUE(conn->Query("INSERT INTO watchers (id, watcher_type, name) VALUES ('0190a0b0-0000-7000-8000-000000000200', "
                          "'webhook', 'no-config')")
                  .ok());
  auto rows = ListPlatformWatcherRows(*conn);
  ASSERT_TRUE(rows.ok()) << rows.error();
  std::set<std::string> names;
  for (const auto& r : *rows) names.insert(r.name);
  std::set<std::string> want = {"no-config"};
  for (const auto& [name, config] : configs) want.insert(name);
  EXPECT_EQ(names, want);
  auto found = FindPlatformWatcherRow(*conn, "from-yaml");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_FALSE(found->has_value());
}

TEST_P(StoreTest, BlobParameterStoresEveryByteAsABlob) {
  auto conn = db_.Connect();
  bool pg = std::string(GetParam()) == "postgres";
  ASSERT_TRUE(conn->ExecScript(pg ? "CREATE TABLE blobs (b BYTEA)" : "CREATE TABLE blobs (b BLOB)").ok());
  std::string bytes("\x00\x01'\"\\\xff\x80tail", 10);
  auto inserted = conn->Query("INSERT INTO blobs (b) VALUES ($1)", {SqlBlob{bytes}});
  ASSERT_TRUE(inserted.ok()) << inserted.error();
  auto r = conn->Query(pg ? "SELECT b, length(b) FROM blobs" : "SELECT b, length(b), typeof(b) FROM blobs");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->rows[0].Int(1), 10);
  if (pg) {
    EXPECT_EQ(r->rows[0].Text(0), "\\x000127225cff80746169") << "bytea's text form";
  } else {
    EXPECT_EQ(r->rows[0].Text(0), bytes);
    EXPECT_EQ(r->rows[0].Text(2), "blob");
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, StoreTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

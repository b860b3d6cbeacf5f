// A database shared with the platform, on SQLite and PostgreSQL: vigil adds nothing to the
// platform tables that were there before its first migration, and its own uniqueness (one event
// per watcher and source id, one YAML watcher per name) holds without indexes on them; tables it
// creates itself carry its indexes and the seed's CHECK constraints; ids are found in either form.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "store/community_repo.h"
#include "store/event_repo.h"
#include "store/migrator.h"
#include "store/notification_repo.h"
#include "store/watcher_repo.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using testing::TestDb;

// The four tables as the platform's models create them (SQLAlchemy's create_all: ids in its GUID
// type, no server defaults, the primary keys, subreddits.name unique and the foreign keys).
std::string PlatformDdl(const std::string& dialect) {
  std::string id = dialect == "sqlite" ? "CHAR(32)" : "UUID";
  std::string json = dialect == "sqlite" ? "JSON" : "JSON";
  std::string when = dialect == "sqlite" ? "DATETIME" : "TIMESTAMP WITHOUT TIME ZONE";
  std::string flag = "BOOLEAN";
  return "CREATE TABLE subreddits (id " + id + " NOT NULL PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, display_name VARCHAR,"
         " description TEXT, purpose " + json + ", output_template " + json + ", participation_model VARCHAR,"
         " engine_overrides " + json + ", tool_configs " + json + ", min_agents INTEGER, max_agents INTEGER,"
         " always_include_red_team " + flag + ", max_cost_per_thread_usd FLOAT, monthly_budget_usd FLOAT, created_at " +
         when + ", updated_at " + when + ");"
         "CREATE TABLE watchers (id " + id + " NOT NULL PRIMARY KEY, watcher_type VARCHAR, subreddit_id " + id +
         " REFERENCES subreddits(id), name VARCHAR, description TEXT, query VARCHAR, poll_interval_seconds INTEGER,"
         " enabled " + flag + ", config " + json + ", auto_create_thread " + flag + ", auto_thread_approval_rate FLOAT,"
         " created_at " + when + ", updated_at " + when + ");"
         "CREATE TABLE watcher_events (id " + id + " NOT NULL PRIMARY KEY, watcher_id " + id + " REFERENCES watchers(id),"
         " subreddit_id " + id + " REFERENCES subreddits(id), title VARCHAR, summary TEXT, source_type VARCHAR,"
         " source_id VARCHAR, source_url VARCHAR, source_metadata " + json + ", raw_data " + json + ","
         " triage_signal VARCHAR, triage_reasoning TEXT, detected_at " + when + ");"
         "CREATE TABLE notifications (id " + id + " NOT NULL PRIMARY KEY, watcher_id " + id + " REFERENCES watchers(id),"
         " event_id " + id + " REFERENCES watcher_events(id), subreddit_id " + id + " REFERENCES subreddits(id),"
         " title VARCHAR, summary TEXT, signal VARCHAR, suggested_hypothesis TEXT, status VARCHAR, action_taken VARCHAR,"
         " thread_id " + id + ", created_at " + when + ", acted_at " + when + ");";
}

// The tables as the platform's own models define them (its Alembic schema: most columns NOT NULL,
// their defaults on the Python side only, so an INSERT that leaves one out fails).
std::string NotNullPlatformDdl(const std::string& dialect) {
  std::string id = dialect == "sqlite" ? "CHAR(32)" : "UUID";
  std::string when = dialect == "sqlite" ? "DATETIME" : "TIMESTAMP WITH TIME ZONE";
  return "CREATE TABLE subreddits (id " + id + " PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, display_name VARCHAR(200) NOT NULL,"
         " description TEXT NOT NULL, purpose JSON NOT NULL, output_template JSON NOT NULL, participation_model VARCHAR(20) NOT NULL,"
         " engine_overrides JSON, tool_configs JSON NOT NULL, min_agents INTEGER NOT NULL, max_agents INTEGER NOT NULL,"
         " always_include_red_team BOOLEAN NOT NULL, max_cost_per_thread_usd FLOAT, monthly_budget_usd FLOAT,"
         " created_at " + when + " NOT NULL, updated_at " + when + " NOT NULL);"
         "CREATE TABLE watchers (id " + id + " PRIMARY KEY, watcher_type VARCHAR(20) NOT NULL, subreddit_id " + id +
         " NOT NULL REFERENCES subreddits(id), name VARCHAR(200) NOT NULL, description TEXT NOT NULL, query TEXT NOT NULL,"
         " poll_interval_seconds INTEGER NOT NULL, enabled BOOLEAN NOT NULL, config JSON NOT NULL, auto_create_thread BOOLEAN NOT NULL,"
         " auto_thread_approval_rate FLOAT, created_at " + when + " NOT NULL, updated_at " + when + " NOT NULL);"
         "CREATE TABLE watcher_events (id " + id + " PRIMARY KEY, watcher_id " + id + " NOT NULL REFERENCES watchers(id),"
         " subreddit_id " + id + " NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL, source_type VARCHAR(50) NOT NULL,"
         " source_id VARCHAR(200) NOT NULL, source_url TEXT, source_metadata JSON, raw_data JSON NOT NULL, triage_signal VARCHAR(20),"
         " triage_reasoning TEXT, detected_at " + when + " NOT NULL);"
         "CREATE TABLE notifications (id " + id + " PRIMARY KEY, watcher_id " + id + " NOT NULL REFERENCES watchers(id),"
         " event_id " + id + " NOT NULL, subreddit_id " + id + " NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,"
         " signal VARCHAR(20) NOT NULL, suggested_hypothesis TEXT, status VARCHAR(20) NOT NULL, action_taken TEXT,"
         " thread_id " + id + ", created_at " + when + " NOT NULL, acted_at " + when + ");";
}

// The indexes on the four platform tables, by name (SQLite's automatic ones included).
std::set<std::string> PlatformIndexes(SqlConnection& db) {
  auto r = db.dialect() == "sqlite"
               ? db.Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN"
                          " ('subreddits', 'watchers', 'watcher_events', 'notifications')")
               : db.Query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN"
                          " ('subreddits', 'watchers', 'watcher_events', 'notifications')");
  EXPECT_TRUE(r.ok()) << r.error();
  std::set<std::string> out;
  if (r.ok())
    for (const auto& row : r->rows) out.insert(row.Text(0));
  return out;
}

std::string Setting(SqlConnection& db, const std::string& key) {
  auto r = db.Query("SELECT value FROM vigil_settings WHERE key = $1", {key});
  return r.ok() && !r->rows.empty() ? r->rows[0].Text(0) : "<none>";
}

int64_t Count(SqlConnection& db, const std::string& sql, const std::vector<SqlValue>& params = {}) {
  auto r = db.Query(sql, params);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? r->rows[0].Int(0) : -1;
}

EventInsert AnEvent(const std::string& watcher_id, const std::string& source_id) {
  EventInsert in;
  in.watcher_id = watcher_id;
  in.event.source_type = "webhook";
  in.event.source_id = source_id;
  in.event.title = "t " + source_id;
  return in;
}

class SharedTablesTest : public ::testing::TestWithParam<std::string> {
 protected:
  TestDb db_{GetParam()};
};

TEST_P(SharedTablesTest, AddsNothingToThePlatformsTables) {
  auto conn = db_.Connect();
  ASSERT_TRUE(conn->ExecScript(PlatformDdl(GetParam())).ok());
  auto before = PlatformIndexes(*conn);
  ASSERT_TRUE(testing::MigrateAndSync(*conn));
  EXPECT_EQ(PlatformIndexes(*conn), before);
  EXPECT_EQ(Setting(*conn, "vigil_platform_tables"), "");
  auto again = Migrate(*conn);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(PlatformIndexes(*conn), before);
}

TEST_P(SharedTablesTest, KeepsItsUniquenessInItsOwnTables) {
  auto conn = db_.Connect();
  ASSERT_TRUE(conn->ExecScript(PlatformDdl(GetParam())).ok());
  ASSERT_TRUE(testing::MigrateAndSync(*conn));
  // The platform's own watcher named like the YAML's: left as it is, and a row of vigil's beside it.
  std::string platform_id = conn->NewId();
  ASSERT_TRUE(conn->Query("INSERT INTO watchers (id, watcher_type, name, description) VALUES ($1, 'webhook', 'gh', 'theirs')",
                          {platform_id})
                  .ok());
  WatcherDecl gh{.name = "gh", .type = "webhook", .description = "ours"};
  ASSERT_TRUE(testing::SyncTestWatchers(*conn, {gh}));
  ASSERT_TRUE(testing::SyncTestWatchers(*conn, {gh}));
  EXPECT_EQ(Count(*conn, "SELECT COUNT(*) FROM watchers WHERE name = 'gh'"), 2);
  EXPECT_EQ(Count(*conn, "SELECT COUNT(*) FROM watchers WHERE id = $1 AND description = 'theirs'", {platform_id}), 1);
  auto ours = WatcherIdByName(*conn, "gh");
  ASSERT_TRUE(ours.ok() && *ours);
  EXPECT_NE(**ours, platform_id);
  // One event per watcher and source id, within a call and across calls.
  auto first = InsertEvents(*conn, {AnEvent(**ours, "a"), AnEvent(**ours, "b"), AnEvent(**ours, "a")}, std::chrono::system_clock::now());
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE((*first)[0].inserted && (*first)[1].inserted && !(*first)[2].inserted);
  EXPECT_EQ((*first)[2].id, (*first)[0].id);
  auto second = InsertEvents(*conn, {AnEvent(**ours, "b"), AnEvent(platform_id, "b")}, std::chrono::system_clock::now());
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_FALSE((*second)[0].inserted);
  EXPECT_EQ((*second)[0].id, (*first)[1].id);
  EXPECT_TRUE((*second)[1].inserted) << "another watcher's source ids are its own";
  EXPECT_EQ(Count(*conn, "SELECT COUNT(*) FROM watcher_events"), 3);
}

TEST_P(SharedTablesTest, FillsEveryColumnThePlatformsSchemaRequires) {
  auto conn = db_.Connect();
  ASSERT_TRUE(conn->ExecScript(NotNullPlatformDdl(GetParam())).ok());
  // A YAML webhook watcher (no query, no interval) in a community vigil creates.
  ASSERT_TRUE(testing::MigrateAndSync(*conn, {WatcherDecl{.name = "gh", .type = "webhook", .community = "onc"}}));
  auto watcher = WatcherIdByName(*conn, "gh");
  ASSERT_TRUE(watcher.ok() && *watcher);
  EventInsert event = AnEvent(**watcher, "a");
  event.community_id = testing::TestCommunity(*conn, "onc");
  auto events = InsertEvents(*conn, {event}, std::chrono::system_clock::now());
  ASSERT_TRUE(events.ok()) << events.error();
  EXPECT_EQ(Count(*conn, "SELECT COUNT(*) FROM subreddits WHERE name = 'onc' AND display_name = 'onc' AND participation_model = 'guided'"), 1);
  EXPECT_EQ(Count(*conn, "SELECT COUNT(*) FROM watchers WHERE name = 'gh' AND query = '' AND poll_interval_seconds = 0"), 1);
}

// Every column of the community `name`, as text.
std::vector<std::string> CommunityRow(SqlConnection& db, const std::string& name) {
  auto r = db.Query("SELECT id, display_name, description, purpose, output_template, participation_model, tool_configs, min_agents,"
                    " max_agents, always_include_red_team, max_cost_per_thread_usd, created_at, updated_at FROM subreddits WHERE name = $1",
                    {name});
  EXPECT_TRUE(r.ok() && r->rows.size() == 1) << (r.ok() ? "no community " + name : r.error());
  std::vector<std::string> out;
  if (r.ok() && r->rows.size() == 1)
    for (size_t i = 0; i < r->rows[0].size(); ++i) out.push_back(r->rows[0].Text(i));
  return out;
}

const CommunityDecl kOncology{.name = "onc",
                              .display_name = "Oncology",
                              .description = "Tumour biology and trials.",
                              .purpose = R"({"thinking_type":"evaluative","core_questions":["Does it replicate?"]})",
                              .participation_model = "approver"};

TEST_P(SharedTablesTest, ACommunityVigilCreatesHasWhatTheConfigDeclares) {
  auto conn = db_.Connect();
  ASSERT_TRUE(conn->ExecScript(NotNullPlatformDdl(GetParam())).ok());
  ASSERT_TRUE(testing::MigrateAndSync(*conn));
  ASSERT_TRUE(ReplaceCommunityDecls(*conn, {kOncology}).ok());
  // One made by the watcher sync, one by an event's intake, one the config does not declare.
  ASSERT_TRUE(testing::SyncTestWatchers(*conn, {WatcherDecl{.name = "gh", .type = "webhook", .community = "onc"}}));
  ASSERT_TRUE(ReplaceCommunityDecls(*conn, {kOncology, CommunityDecl{.name = "neuro", .display_name = "Neuroscience",
                                                                     .participation_model = "observer"}}).ok());
  ASSERT_FALSE(testing::TestCommunity(*conn, "neuro").empty());
  ASSERT_FALSE(testing::TestCommunity(*conn, "cardio").empty());
  auto onc = CommunityRow(*conn, "onc");
  ASSERT_EQ(onc.size(), 13u);
  EXPECT_EQ(onc[1], "Oncology");
  EXPECT_EQ(onc[2], "Tumour biology and trials.");
  EXPECT_EQ(nlohmann::json::parse(onc[3]), nlohmann::json::parse(kOncology.purpose));
  EXPECT_EQ(onc[5], "approver");
  auto neuro = CommunityRow(*conn, "neuro");
  ASSERT_EQ(neuro.size(), 13u);
  EXPECT_EQ(neuro[1], "Neuroscience");
  EXPECT_EQ(neuro[3], "{}");
  EXPECT_EQ(neuro[5], "observer");
  auto cardio = CommunityRow(*conn, "cardio");
  ASSERT_EQ(cardio.size(), 13u);
  EXPECT_EQ(cardio[1], "cardio");
  EXPECT_EQ(cardio[2], "");
  EXPECT_EQ(cardio[5], "guided");
}

TEST_P(SharedTablesTest, APlatformCommunityIsReadNeverOverwritten) {
  auto conn = db_.Connect();
  ASSERT_TRUE(conn->ExecScript(NotNullPlatformDdl(GetParam())).ok());
  std::string id = conn->NewId();
  std::string no = GetParam() == "postgres" ? "false" : "0";
  ASSERT_TRUE(conn->Query("INSERT INTO subreddits (id, name, display_name, description, purpose, output_template, participation_model,"
                          " tool_configs, min_agents, max_agents, always_include_red_team, max_cost_per_thread_usd, created_at, updated_at)"
                          " VALUES ($1, 'onc', 'Oncology (the platform''s)', 'Theirs.', '{\"thinking_type\": \"exploratory\"}', '{}',"
                          " 'participant', '[\"search\"]', 2, 5, " + no + ", 1.5, '2026-01-02 03:04:05.000006', '2026-01-02 03:04:05.000006')",
                          {id})
                  .ok());
  auto before = CommunityRow(*conn, "onc");
  ASSERT_TRUE(testing::MigrateAndSync(*conn));
  ASSERT_TRUE(ReplaceCommunityDecls(*conn, {kOncology}).ok());
  ASSERT_TRUE(testing::SyncTestWatchers(*conn, {WatcherDecl{.name = "gh", .type = "webhook", .community = "onc"}}));
  EXPECT_EQ(testing::TestCommunity(*conn, "onc"), CommunityRow(*conn, "onc").at(0));
  EXPECT_EQ(CommunityRow(*conn, "onc"), before);
  EXPECT_EQ(Count(*conn, "SELECT COUNT(*) FROM subreddits"), 1);
}

TEST_P(SharedTablesTest, TablesItCreatesCarryItsIndexesAndTheSeedsChecks) {
  auto conn = db_.ConnectMigrated();
  ASSERT_TRUE(conn);
  EXPECT_EQ(Setting(*conn, "vigil_platform_tables"), "subreddits,watchers,watcher_events,notifications");
  auto indexes = PlatformIndexes(*conn);
  EXPECT_TRUE(indexes.count("watcher_events_detected") && indexes.count("notifications_status"));
  EXPECT_FALSE(indexes.count("watchers_name_key") || indexes.count("watcher_events_source_key"));
  std::string id = conn->NewId();
  EXPECT_FALSE(conn->Query("INSERT INTO watchers (id, watcher_type, name) VALUES ($1, 'rss', 'x')", {id}).ok());
  EXPECT_FALSE(conn->Query("INSERT INTO notifications (id, status) VALUES ($1, 'archived')", {id}).ok());
  EXPECT_FALSE(conn->Query("INSERT INTO watcher_events (id, triage_signal) VALUES ($1, 'urgent')", {id}).ok());
  EXPECT_TRUE(conn->Query("INSERT INTO watcher_events (id, triage_signal) VALUES ($1, 'high')", {id}).ok());
  if (GetParam() == "sqlite") {  // a default time has the six fractional digits SQLAlchemy reads as microseconds
    auto r = conn->Query("SELECT detected_at FROM watcher_events WHERE id = $1", {id});
    ASSERT_TRUE(r.ok() && r->rows.size() == 1);
    EXPECT_EQ(r->rows[0].Text(0).size(), std::string("2026-12-02 10:00:00.123000").size()) << r->rows[0].Text(0);
  }
}

TEST_P(SharedTablesTest, IdsAreFoundInEitherForm) {
  auto conn = db_.ConnectMigrated({WatcherDecl{.name = "gh", .type = "webhook"}});
  ASSERT_TRUE(conn);
  auto watcher = WatcherIdByName(*conn, "gh");
  ASSERT_TRUE(watcher.ok() && *watcher);
  if (GetParam() == "sqlite") {
    EXPECT_EQ((*watcher)->size(), 32u) << "SQLite stores SQLAlchemy's form by default";
  }
  auto events = InsertEvents(*conn, {AnEvent(**watcher, "x")}, std::chrono::system_clock::now());
  ASSERT_TRUE(events.ok()) << events.error();
  NotificationInsert n{.watcher_id = **watcher, .event_id = (*events)[0].id, .title = "t", .signal = "high"};
  std::string id;
  ASSERT_TRUE(InTransaction(*conn, true, [&]() -> Status {
                auto r = InsertNotificationInTx(*conn, n, std::chrono::system_clock::now());
                if (r.ok()) id = *r;
                return r.status();
              }).ok());
  for (UuidForm form : {UuidForm::kHex, UuidForm::kHyphenated}) {
    std::string given = *UuidIn(id, form);
    auto found = GetNotification(*conn, given);
    ASSERT_TRUE(found.ok()) << found.error();
    EXPECT_TRUE(*found) << given;
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, SharedTablesTest, ::testing::Values(std::string("sqlite"), std::string("postgres")));

}  // namespace
}  // namespace vigil

// Triage's dedupe keys (store/triage_repo.h): which stored events hold the asked-for keys, oldest
// first, found by the keys themselves however many the community has stored. Against real
// databases: SQLite files and the test PostgreSQL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/triage_repo.h"
#include "tests/support/observed_connection.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

class TriageKeysTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
  }
  void Store(const std::vector<TriagedTraces>& events, TimePoint at) {
    Status s = InTransaction(*conn_, true, [&] { return InsertKeysInTx(*conn_, events, at); });
    ASSERT_TRUE(s.ok()) << s.message();
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  TimePoint t0_ = std::chrono::system_clock::now() - 1h;
};

TEST_P(TriageKeysTest, TheEventsHoldingKeysComeOldestFirstEachWithItsKeys) {
  Store({{"c1", "event-b", {"k2", "k3"}, {}}}, t0_ + 2s);
  Store({{"c1", "event-a", {"k1"}, {}}, {"c1", "event-c", {"k4"}, {}}}, t0_ + 1s);  // a tie: by id
  Store({{"c1", "event-d", {"k5"}, {}}, {"c2", "event-e", {"k1"}, {}}}, t0_);       // not asked; other community
  auto held = EventsHoldingKeys(*conn_, "c1", {"k1", "k2", "k3", "k4", "k9"});
  ASSERT_TRUE(held.ok()) << held.error();
  ASSERT_EQ(held->size(), 3u);
  EXPECT_EQ((*held)[0].event_id, "event-a");
  EXPECT_EQ((*held)[0].keys, std::set<std::string>({"k1"}));
  EXPECT_EQ((*held)[1].event_id, "event-c");
  EXPECT_EQ((*held)[2].event_id, "event-b");
  EXPECT_EQ((*held)[2].keys, std::set<std::string>({"k2", "k3"}));
}

// Each triage batch asks for its events' keys. Asked with an ORDER BY created_at, SQLite walked
// the community's (community, created_at) index, reading every key the community had ever stored
// (3.7 ms a batch at 8,000 keys, under a webhook burst, and growing with the table). PostgreSQL did
// the same without the ORDER BY while the table had no statistics yet (a fresh database's first
// burst, before autovacuum's first ANALYZE): guessing a community's rows few, it read them all
// through that index (and, that index dropped, through the primary key's community prefix) and
// filtered the keys, 3 ms a batch at 28,000 keys. It now probes the primary key once per key. The
// index served no query and is gone (migration 0025).
TEST_P(TriageKeysTest, TheAskedKeysAreFoundByThePrimaryKeyNotByWalkingTheCommunity) {
  std::vector<TriagedTraces> many;
  for (int i = 0; i < 500; ++i) many.push_back({"c1", "event-" + std::to_string(i), {"key-" + std::to_string(i)}, {}});
  Store(many, t0_);
  std::string asked;
  std::vector<SqlValue> params;
  testing::ObservedConnection observed(*conn_, [&](std::string_view sql, const std::vector<SqlValue>& p) {
    if (sql.find("vigil_triage_keys") != std::string_view::npos) {
      asked = sql;
      params = p;
    }
  });
  // A batch's worth: some forty events of two or three keys each.
  std::set<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.insert("key-" + std::to_string(i * 7));
  auto held = EventsHoldingKeys(observed, "c1", keys);
  ASSERT_TRUE(held.ok()) << held.error();
  EXPECT_EQ(held->size(), 72u);  // 0, 7, ..., 497
  ASSERT_FALSE(asked.empty());
  bool sqlite = conn_->dialect() == "sqlite";
  auto plan = conn_->Query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + asked, params);
  ASSERT_TRUE(plan.ok()) << plan.error();
  std::string text;
  for (const auto& row : plan->rows) text += row.Text(row.size() - 1) + "\n";
  if (sqlite) {
    EXPECT_NE(text.find("dedupe_key=?"), std::string::npos) << text;
  } else {
    EXPECT_NE(text.find("Index Cond: ((community = 'c1'::text) AND (dedupe_key = w.key))"), std::string::npos) << text;
    EXPECT_EQ(text.find("Filter"), std::string::npos) << text;
  }
  EXPECT_EQ(text.find("vigil_triage_keys_recent"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Dialects, TriageKeysTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

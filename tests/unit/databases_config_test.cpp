// The `databases:` map and the `database:` keys that name a database by URL or by name.
#include "config/databases.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "jobs/maintenance/embedding_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

std::shared_ptr<const Config> Parsed(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  EXPECT_TRUE(config.ok()) << config.error();
  return config.ok() ? *config : nullptr;
}

std::string LoadError(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  return config.ok() ? "(loaded)" : config.error();
}

TEST(DatabasesMap, ANameResolvesToItsUrlWithEnvExpandedAndSqlitePathsMadeAbsolute) {
  setenv("VIGIL_TEST_PLATFORM_PW", "s3cret", 1);
  auto config = Parsed("databases:\n  platform: postgresql://ro:${VIGIL_TEST_PLATFORM_PW}@db.internal/platform\n"
                       "  debates: sqlite:data/debates.db\n");
  unsetenv("VIGIL_TEST_PLATFORM_PW");
  ASSERT_TRUE(config);
  EXPECT_EQ(*DatabaseUrlAt(*config, "platform", "x.database"), "postgresql://ro:s3cret@db.internal/platform");
  EXPECT_EQ(*DatabaseUrlAt(*config, "debates", "x.database"), "sqlite:/etc/vigil/data/debates.db");
}

TEST(DatabasesMap, AUrlOrAUrlMapIsTakenAsGiven) {
  auto config = Parsed("http: {listen: '127.0.0.1:1'}\n");
  ASSERT_TRUE(config);
  EXPECT_EQ(*DatabaseUrlAt(*config, "postgresql://h/db", "x.database"), "postgresql://h/db");
  EXPECT_EQ(*DatabaseUrlAt(*config, "sqlite:p.db", "x.database"), "sqlite:/etc/vigil/p.db");
  EXPECT_EQ(*DatabaseUrlAt(*config, {{"url", "sqlite:///srv/p.db"}}, "x.database"), "sqlite:/srv/p.db");
  EXPECT_TRUE(IsDatabaseName("platform"));
  EXPECT_FALSE(IsDatabaseName("sqlite:platform.db"));
  EXPECT_FALSE(IsDatabaseName(nlohmann::json{{"url", "sqlite:p.db"}}));
}

TEST(DatabasesMap, AnUnknownNameListsTheKnownOnes) {
  auto config = Parsed("databases:\n  platform: sqlite:p.db\n  debates: sqlite:d.db\n");
  ASSERT_TRUE(config);
  auto r = DatabaseUrlAt(*config, "platfrom", "databases.platform");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("no database named \"platfrom\" in databases: (named there: debates, platform)"), std::string::npos)
      << r.error();
}

TEST(DatabasesMap, AnEntryThatIsNotAUrlVigilOpensIsRefusedAtLoadWithoutItsPassword) {
  EXPECT_EQ(LoadError("databases:\n  platform: mysql://root:hunter2@db/platform\n"),
            "vigil.yaml:2:13: databases.platform: unsupported database URL \"mysql://root:***@db/platform\" "
            "(expected sqlite:PATH or postgresql://...)");
  EXPECT_EQ(LoadError("databases:\n  platform: {url: 'sqlite:p.db'}\n"),
            "vigil.yaml:2:13: databases.platform: expected a database URL: sqlite:PATH or postgresql://...");
  EXPECT_EQ(LoadError("databases:\n  'the platform': sqlite:p.db\n"),
            "vigil.yaml:2:19: databases.the platform: a database name may hold only letters, digits, '-', '_' and '.'");
  EXPECT_EQ(LoadError("databases: [sqlite:p.db]\n"), "vigil.yaml:1:12: databases: expected a map of names to database URLs");
}

TEST(DatabasesMap, AMaintenanceJobTakesANameToo) {
  auto config = Parsed("databases:\n  platform: sqlite:platform.db\njobs:\n  embedding_backfill:\n    database: platform\n    provider: {kind: local}\n");
  ASSERT_TRUE(config);
  auto parsed = EmbeddingBackfillConfigFrom(*config);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->database_url, "sqlite:/etc/vigil/platform.db");
  auto unknown = Parsed("jobs:\n  embedding_backfill:\n    database: platform\n");
  ASSERT_TRUE(unknown);
  auto refused = EmbeddingBackfillConfigFrom(*unknown);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("vigil.yaml:3:15: jobs.embedding_backfill.database: no database named \"platform\""),
            std::string::npos)
      << refused.error();
}

}  // namespace
}  // namespace vigil

#include "jobs/maintenance/table_mapping.h"

#include <gtest/gtest.h>

#include "jobs/maintenance/handoff_generator.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

const std::vector<TableDefaults> kTables = {{"messages", {"conversation_id", "created_at"}}, {"context_backups", {"trigger"}}};

Result<TableMapping> ParseYaml(const std::string& yaml) {
  auto config = ParseConfig("jobs:\n  context_backup_coverage:\n" + yaml, "/etc/vigil/vigil.yaml");
  if (!config.ok()) return config.status();
  auto block = (*config)->Get("jobs.context_backup_coverage");
  return TableMapping::Parse(kTables, block.value("tables", nlohmann::json()), **config, "jobs.context_backup_coverage.tables");
}

TEST(TableMapping, DefaultsAreTheSeedNamesQuoted) {
  auto m = ParseYaml("    fernet_key: x\n");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->T("messages"), "\"messages\"");
  EXPECT_EQ(m->C("context_backups", "trigger"), "\"trigger\"");
}

TEST(TableMapping, OverridesTableAndColumnNames) {
  auto m = ParseYaml("    tables:\n      messages:\n        name: chat_messages\n        columns: {created_at: ts}\n      context_backups: backups\n");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->T("messages"), "\"chat_messages\"");
  EXPECT_EQ(m->C("messages", "created_at"), "\"ts\"");
  EXPECT_EQ(m->C("messages", "conversation_id"), "\"conversation_id\"");
  EXPECT_EQ(m->T("context_backups"), "\"backups\"");
}

TEST(TableMapping, RejectsANameThatIsNotAnIdentifierWithFileAndLine) {
  auto m = ParseYaml("    tables:\n      messages:\n        name: \"x; DROP TABLE y\"\n");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().find("vigil.yaml:5:15: "), std::string::npos) << m.error();
  EXPECT_NE(m.error().find("jobs.context_backup_coverage.tables.messages.name"), std::string::npos) << m.error();
}

TEST(TableMapping, RejectsUnknownTablesAndColumns) {
  EXPECT_FALSE(ParseYaml("    tables:\n      nope: x\n").ok());
  EXPECT_FALSE(ParseYaml("    tables:\n      messages:\n        columns: {nope: x}\n").ok());
}

TEST(TableMapping, QualifiedTableNamesAreQuotedPartByPart) {
  EXPECT_TRUE(IsQualifiedSqlIdentifier("platform.messages"));
  EXPECT_TRUE(IsQualifiedSqlIdentifier("messages"));
  EXPECT_FALSE(IsQualifiedSqlIdentifier("a.b.c"));
  EXPECT_FALSE(IsQualifiedSqlIdentifier("a."));
  EXPECT_FALSE(IsQualifiedSqlIdentifier("a;b"));
  auto m = ParseYaml("    tables:\n      messages: platform.chat\n");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->T("messages"), "\"platform\".\"chat\"");
  EXPECT_FALSE(ParseYaml("    tables:\n      messages:\n        columns: {created_at: a.b}\n").ok()) << "columns are never qualified";
}

}  // namespace
}  // namespace vigil

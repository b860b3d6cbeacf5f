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

TEST(HandoffNote, MissingSectionsAreAdded) {
  std::string note = WithAllSections("GOAL:\nship it\n");
  for (const char* section : kHandoffSections) EXPECT_NE(note.find(std::string(section) + ":"), std::string::npos);
  EXPECT_EQ(note.find("GOAL:"), note.rfind("GOAL:")) << "a present section is not repeated";
}

TEST(HandoffNote, BudgetKeepsTheNewestMessages) {
  std::vector<ChatMessage> m = {{"user", std::string(400, 'a')}, {"user", std::string(400, 'b')}, {"user", std::string(100, 'c')}};
  auto kept = FitToBudget(m, 150);  // 600 chars: c, b, and the last 100 of a
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].content, std::string(100, 'a'));
  EXPECT_EQ(kept[1].content, std::string(400, 'b'));
  EXPECT_EQ(kept[2].content, std::string(100, 'c'));
}

TEST(HandoffNote, BudgetKeepsWholeCharactersOfTheMessageItCuts) {
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\u20ac";  // 3 bytes each
  std::vector<ChatMessage> m = {{"user", "older"}, {"user", euros}};
  auto kept = FitToBudget(m, 25);  // 100 bytes: 33 whole euros (99 bytes), not a stray tail byte
  ASSERT_EQ(kept.size(), 1u) << "nothing older than the cut message";
  EXPECT_EQ(kept[0].content, euros.substr(euros.size() - 99));
}

}  // namespace
}  // namespace vigil

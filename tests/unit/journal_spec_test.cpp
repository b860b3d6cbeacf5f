// `journal:` of a log watcher: field names as sd_journal_add_match takes them, the units and
// priority shorthands expanded into matches, the config errors, and entries joined into records.
#include "sources/log/journal_spec.h"

#include <gtest/gtest.h>

#include "sources/log/journal_records.h"
#include "sources/log/log_records.h"
#include "sources/log/log_watcher_spec.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

using Strings = std::vector<std::string>;

Result<LogWatcherSpec> Spec(const std::string& body) {
  std::string yaml = "watchers:\n  - name: j\n    type: log\n" + body + "    rules:\n      - name: any\n        match: '.'\n";
  auto config = ParseConfig(yaml, "/tmp/vigil.yaml");
  if (!config.ok()) return config.status();
  return ParseLogWatcherSpec(**config, (*config)->tree()["watchers"][0], 0);
}

TEST(JournalSpec, FieldNamesAreUppercaseDigitsAndUnderscoreNotStartingWithADigit) {
  for (const char* ok : {"MESSAGE", "_SYSTEMD_UNIT", "SYSLOG_IDENTIFIER", "_PID", "CODE_LINE", "X1"}) EXPECT_TRUE(IsJournalFieldName(ok)) << ok;
  for (const char* bad : {"", "message", "1FIELD", "SYSTEMD-UNIT", "UNIT.NAME", "ÜNIT"}) EXPECT_FALSE(IsJournalFieldName(bad)) << bad;
  EXPECT_TRUE(IsJournalFieldName(std::string(64, 'A')));
  EXPECT_FALSE(IsJournalFieldName(std::string(65, 'A')));
}

TEST(JournalSpec, UnitsGetServiceWhenTheyHaveNoUnitSuffixAsJournalctlDoes) {
  EXPECT_EQ(*UnitMatch("ssh"), "_SYSTEMD_UNIT=ssh.service");
  EXPECT_EQ(*UnitMatch("ssh.service"), "_SYSTEMD_UNIT=ssh.service");
  EXPECT_EQ(*UnitMatch("logrotate.timer"), "_SYSTEMD_UNIT=logrotate.timer");
  EXPECT_EQ(*UnitMatch("user@1000.service"), "_SYSTEMD_UNIT=user@1000.service");
  EXPECT_EQ(*UnitMatch("app.v2"), "_SYSTEMD_UNIT=app.v2.service");
  EXPECT_FALSE(UnitMatch("").ok());
  EXPECT_EQ(UnitMatch("ssh*").error(), "\"ssh*\" is a glob; name each unit (ssh, cron.service)");
}

TEST(JournalSpec, PriorityMeansThatLevelAndAbove) {
  EXPECT_EQ(*PriorityMatches("emerg"), Strings{"PRIORITY=0"});
  EXPECT_EQ(*PriorityMatches("warning"), (Strings{"PRIORITY=0", "PRIORITY=1", "PRIORITY=2", "PRIORITY=3", "PRIORITY=4"}));
  EXPECT_EQ(*PriorityMatches("3"), (Strings{"PRIORITY=0", "PRIORITY=1", "PRIORITY=2", "PRIORITY=3"}));
  EXPECT_EQ(PriorityMatches("debug")->size(), 8u);
  EXPECT_EQ(PriorityMatches("7")->size(), 8u);
  for (const char* bad : {"warn", "error", "8", "-1", "WARNING", ""}) EXPECT_FALSE(PriorityMatches(bad).ok()) << bad;
}

TEST(JournalSpec, MatchesUnitsAndPriorityExpandInOrder) {
  auto spec = Spec("    journal:\n      matches: [SYSLOG_IDENTIFIER=sshd, '_SYSTEMD_UNIT=cron.service']\n      units: [ssh]\n"
                   "      priority: err\n      directory: /var/log/journal/remote\n");
  ASSERT_TRUE(spec.ok()) << spec.error();
  ASSERT_TRUE(spec->journal);
  EXPECT_TRUE(spec->paths.empty());
  EXPECT_EQ(spec->journal->matches, (Strings{"SYSLOG_IDENTIFIER=sshd", "_SYSTEMD_UNIT=cron.service", "_SYSTEMD_UNIT=ssh.service",
                                             "PRIORITY=0", "PRIORITY=1", "PRIORITY=2", "PRIORITY=3"}));
  EXPECT_EQ(spec->journal->directory, "/var/log/journal/remote");
}

TEST(JournalSpec, AnEmptyJournalMapReadsEveryEntryOfTheSystemJournal) {
  auto spec = Spec("    journal:\n");
  ASSERT_TRUE(spec.ok()) << spec.error();
  ASSERT_TRUE(spec->journal);
  EXPECT_TRUE(spec->journal->matches.empty());
  EXPECT_TRUE(spec->journal->directory.empty());
}

TEST(JournalSpec, AMatchValueMayHoldEqualsSignsAndBeEmpty) {
  auto spec = Spec("    journal:\n      matches: ['MESSAGE=a=b', 'CODE_FILE=']\n");
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_EQ(spec->journal->matches, (Strings{"MESSAGE=a=b", "CODE_FILE="}));
}

TEST(JournalSpec, ConfigErrorsNameTheKey) {
  EXPECT_EQ(Spec("    paths: [/var/log/a.log]\n    journal:\n      units: [ssh]\n").error(),
            "vigil.yaml:6:7: watchers[0].journal: a log watcher reads files (paths, rotated) or the systemd journal "
            "(journal), not both; make two watchers");
  EXPECT_NE(Spec("    rotated: [/var/log/a.log.*]\n    journal:\n").error().find("not both"), std::string::npos);
  EXPECT_EQ(Spec("").error(), "vigil.yaml:2:5: watchers[0].paths: a log watcher needs paths (a list of files or globs) or "
                              "journal (e.g. {units: [ssh]}) to read the systemd journal");
  EXPECT_EQ(Spec("    journal:\n      matches: [unit=ssh]\n").error(),
            "vigil.yaml:5:16: watchers[0].journal.matches: \"unit=ssh\" is not a journal match: FIELD=VALUE, the FIELD of "
            "A-Z, 0-9 and _ and not starting with a digit (e.g. _SYSTEMD_UNIT=ssh.service)");
  EXPECT_NE(Spec("    journal:\n      matches: [_SYSTEMD_UNIT]\n").error().find("is not a journal match"), std::string::npos);
  EXPECT_EQ(Spec("    journal:\n      priority: loud\n").error(),
            "vigil.yaml:5:17: watchers[0].journal.priority: \"loud\" is not a priority: one of emerg, alert, crit, err, "
            "warning, notice, info, debug, or 0 to 7");
  EXPECT_EQ(Spec("    journal:\n      directory: journal\n").error(),
            "vigil.yaml:5:18: watchers[0].journal.directory: \"journal\" is not an absolute path");
  EXPECT_NE(Spec("    journal:\n      since: today\n").error().find("watchers[0].journal.since: unknown key"), std::string::npos);
}

JournalEntry Entry(const std::string& message, int n) {
  JournalEntry e;
  e.message = message;
  e.cursor = "s=x;i=" + std::to_string(n);
  e.unit = "app.service";
  return e;
}

TEST(JournalRecords, EachEntryIsARecordWithoutAStartPattern) {
  auto joined = JoinJournalEntries({Entry("a", 1), Entry("b\nc", 2)}, nullptr, false);
  ASSERT_EQ(joined.records.size(), 2u);
  EXPECT_EQ(joined.records[1].text, "b\nc");
  EXPECT_EQ(joined.records[1].last_cursor, "s=x;i=2");
  EXPECT_EQ(joined.consumed, 2u);
}

TEST(JournalRecords, AStartPatternJoinsEntriesUpToTheNextStartAndHoldsTheLastBack) {
  RE2 start("^ERROR");
  auto joined = JoinJournalEntries({Entry("ERROR one", 1), Entry("  at a()", 2), Entry("  at b()", 3), Entry("ERROR two", 4),
                                    Entry("  at c()", 5)}, &start, false);
  ASSERT_EQ(joined.records.size(), 1u);
  EXPECT_EQ(joined.records[0].text, "ERROR one\n  at a()\n  at b()");
  EXPECT_EQ(joined.records[0].first.cursor, "s=x;i=1");
  EXPECT_EQ(joined.records[0].last_cursor, "s=x;i=3");
  EXPECT_EQ(joined.consumed, 3u);
  auto flushed = JoinJournalEntries({Entry("ERROR two", 4), Entry("  at c()", 5)}, &start, true);
  ASSERT_EQ(flushed.records.size(), 1u);
  EXPECT_EQ(flushed.records[0].text, "ERROR two\n  at c()");
  EXPECT_EQ(flushed.records[0].last_cursor, "s=x;i=5");
}

TEST(JournalRecords, AJoinedRecordKeepsItsFirst64KiB) {
  RE2 start("^ERROR");
  std::vector<JournalEntry> entries{Entry("ERROR big", 1)};
  for (int i = 0; i < 40; ++i) entries.push_back(Entry(std::string(4000, 'x'), i + 2));
  auto joined = JoinJournalEntries(entries, &start, true);
  ASSERT_EQ(joined.records.size(), 1u);
  EXPECT_EQ(joined.records[0].text.size(), kMaxRecordBytes);
  EXPECT_EQ(joined.records[0].last_cursor, "s=x;i=41");
}

TEST(JournalRecords, EntryIdIsTheCursorsSequenceNumberIdAndNumber) {
  EXPECT_EQ(JournalEntryId("s=d6981851b3ed451491e58bab7950c7ee;i=3;b=0123;m=bb8;t=60a24183cc480;x=319975b431770f2b"),
            "d6981851b3ed451491e58bab7950c7ee:3");
  EXPECT_EQ(JournalEntryId("odd"), "odd");
}

}  // namespace
}  // namespace vigil

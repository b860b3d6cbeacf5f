// Maintenance job blocks become "job:<kind>" schedules; a bad block stops the load with file:line.
#include <gtest/gtest.h>

#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

// The maintenance jobs' schedules (triage retention is always there and is left out).
Result<std::vector<ScheduleSpec>> Schedules(const std::string& yaml) {
  auto config = ParseConfig(yaml, "/etc/vigil/vigil.yaml");
  if (!config.ok()) return config.status();
  auto all = SchedulesFrom(**config);
  if (!all.ok()) return all;
  std::vector<ScheduleSpec> out;
  for (auto& s : *all) {
    if (s.name != "job:triage_retention") out.push_back(std::move(s));
  }
  return out;
}

const char* kCoverage = "jobs:\n  context_backup_coverage:\n    fernet_key: cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n";

TEST(MaintenanceSchedules, ConfiguredJobGetsItsDefaultSchedule) {
  auto s = Schedules(kCoverage);
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].name, "job:context_backup_coverage");
  EXPECT_EQ((*s)[0].job.kind, "context_backup_coverage");
  ASSERT_TRUE((*s)[0].cron.has_value()) << "default 0 */6 * * *";
}

TEST(MaintenanceSchedules, EveryOverridesTheDefault) {
  auto s = Schedules("jobs:\n  crash_report_flush:\n    every: 30s\n    endpoint:\n      url: https://example.org/r\n");
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(s->size(), 1u);
  ASSERT_TRUE((*s)[0].interval.has_value());
  EXPECT_EQ((*s)[0].interval->every, std::chrono::seconds(30));
}

TEST(MaintenanceSchedules, UnconfiguredJobsAreNotScheduled) {
  auto s = Schedules("jobs:\n  workers: 2\n");
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(s->empty());
}

TEST(MaintenanceSchedules, BadBlocksNameFileLineAndKey) {
  auto missing = Schedules("jobs:\n  crash_report_flush:\n    every: 1m\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("endpoint.url is required"), std::string::npos) << missing.error();
  auto unknown = Schedules(std::string(kCoverage) + "    fernet_keys: x\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("vigil.yaml:4:"), std::string::npos) << unknown.error();
  EXPECT_NE(unknown.error().find("jobs.context_backup_coverage.fernet_keys: unknown key"), std::string::npos);
  auto bad_key = Schedules("jobs:\n  context_backup_coverage:\n    fernet_key: not-a-key\n");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.error().find("vigil.yaml:3:17: jobs.context_backup_coverage.fernet_key: not a Fernet key"), std::string::npos)
      << bad_key.error();
  EXPECT_EQ(bad_key.error().find("not-a-key"), std::string::npos) << "the secret is not echoed";
}

TEST(MaintenanceSchedules, EveryMaintenanceKindIsScheduledTheSameWay) {
  auto s = Schedules(std::string(kCoverage) + "    every: 1h\n  embedding_backfill:\n    every: 5m\n    provider: {kind: local}\n"
                     "  citation_verification:\n    schedule: \"15 3 * * *\"\n    tz: Europe/Paris\n");
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].name, "job:context_backup_coverage");
  EXPECT_EQ((*s)[1].name, "job:embedding_backfill");
  EXPECT_EQ((*s)[1].interval->every, std::chrono::minutes(5));
  EXPECT_EQ((*s)[2].name, "job:citation_verification");
  EXPECT_TRUE((*s)[2].cron.has_value());
  EXPECT_EQ((*s)[1].job.max_attempts, (*s)[0].job.max_attempts);
}

TEST(MaintenanceSchedules, AKindWithoutDefaultRunsOnlyByHandUntilItsBlockSaysWhen) {
  auto s = Schedules("jobs:\n  embedding_backfill:\n    provider: {kind: local}\n  citation_verification: {}\n");
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(s->empty());
}

TEST(MaintenanceSchedules, EnabledFalseSchedulesNothingButIsStillChecked) {
  auto off = Schedules(std::string(kCoverage) + "    enabled: false\n  embedding_backfill:\n    enabled: false\n    every: 5m\n    provider: {kind: local}\n");
  ASSERT_TRUE(off.ok()) << off.error();
  EXPECT_TRUE(off->empty());
  auto bad = Schedules("jobs:\n  embedding_backfill:\n    enabled: false\n    provider: {kind: nope}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("jobs.embedding_backfill.provider.kind"), std::string::npos) << bad.error();
}

TEST(MaintenanceSchedules, DatabaseOfEveryKindIsCheckedTheSameWay) {
  for (const char* kind : {"context_backup_coverage", "embedding_backfill", "citation_verification"}) {
    auto s = Schedules(std::string("jobs:\n  ") + kind + ":\n    database: {url: mysql://db}\n");
    ASSERT_FALSE(s.ok()) << kind;
    EXPECT_NE(s.error().find(std::string("jobs.") + kind + ".database.url: unsupported database URL"), std::string::npos) << s.error();
  }
}

}  // namespace
}  // namespace vigil

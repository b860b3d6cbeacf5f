// A value of the wrong type in a free-form config block is an error that names its file, line,
// column and key, never an exception out of the reader (which aborted `vigil check` and the
// daemon): jobs.queues, jobs.schedules, log rules, scheduled watchers, maintenance blocks.
#include <gtest/gtest.h>

#include "config/config.h"
#include "jobs/engine/job_engine.h"
#include "jobs/schedule_config.h"

namespace vigil {
namespace {

std::shared_ptr<const Config> Load(const std::string& yaml) {
  auto c = Config::Parse(yaml, "/etc/vigil/vigil.yaml");
  EXPECT_TRUE(c.ok()) << c.error();
  return c.ok() ? *c : nullptr;
}

// What `vigil check` says past the table walk: the schedules' error, else the job engine's.
std::string CheckError(const std::string& yaml) {
  auto config = Load(yaml);
  if (!config) return "config did not load";
  try {
    if (auto s = SchedulesFrom(*config); !s.ok()) return s.error();
    if (auto o = JobEngineOptionsFrom(*config); !o.ok()) return o.error();
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  }
  return "";
}

TEST(ConfigValueTypes, QueueSizeMustBeAWholeNumberOfWorkers) {
  for (const char* value : {"many", "2.5", "0", "300", "[2]", "{n: 2}", "true"}) {
    EXPECT_EQ(CheckError(std::string("jobs:\n  queues:\n    literature: ") + value + "\n"),
              "vigil.yaml:3:17: jobs.queues.literature: expected an integer from 1 to 256")
        << value;
  }
}

TEST(ConfigValueTypes, QueueSizesAreReadWithDefaultFromWorkers) {
  auto config = Load("jobs:\n  workers: 3\n  queues: {literature: 2}\n");
  auto options = JobEngineOptionsFrom(*config);
  ASSERT_TRUE(options.ok()) << options.error();
  EXPECT_EQ(options->queues, (std::map<std::string, int>{{"default", 3}, {"literature", 2}}));
}

TEST(ConfigValueTypes, QueuesMustBeAMap) {
  EXPECT_EQ(CheckError("jobs:\n  queues: [default]\n"),
            "vigil.yaml:2:11: jobs.queues: expected a map of queue names to worker counts");
}

const char* kSchedule = "jobs:\n  schedules:\n    - {name: tick, kind: noop, every: 1m, ";

TEST(ConfigValueTypes, ScheduleTextKeysMustBeStrings) {
  EXPECT_EQ(CheckError(std::string(kSchedule) + "queue: [a]}\n"),
            "vigil.yaml:3:50: jobs.schedules[0].queue: expected a string");
  EXPECT_EQ(CheckError("jobs:\n  schedules:\n    - {name: {a: 1}, kind: noop, every: 1m}\n"),
            "vigil.yaml:3:14: jobs.schedules[0].name: expected a string");
}

TEST(ConfigValueTypes, SchedulePriorityAndAttemptsMustBeBoundedIntegers) {
  EXPECT_EQ(CheckError(std::string(kSchedule) + "priority: high}\n"),
            "vigil.yaml:3:53: jobs.schedules[0].priority: expected an integer from -1000 to 1000");
  EXPECT_EQ(CheckError(std::string(kSchedule) + "max_attempts: 2.5}\n"),
            "vigil.yaml:3:57: jobs.schedules[0].max_attempts: expected an integer from 1 to 1000");
  EXPECT_EQ(CheckError(std::string(kSchedule) + "priority: -5, max_attempts: 7}\n"), "");
}

TEST(ConfigValueTypes, LogRuleTextKeysMustBeStrings) {
  std::string yaml = "watchers:\n  - name: app\n    type: log\n    paths: [/var/log/app.log]\n"
                     "    rules:\n      - {name: boom, match: ERROR, title: [x]}\n";
  std::string error = CheckError(yaml);
  EXPECT_NE(error.find("watchers[0].rules[0].title: expected a string"), std::string::npos) << error;
  EXPECT_EQ(error.find("threw"), std::string::npos) << error;
}

TEST(ConfigValueTypes, ScheduledWatcherTextKeysMustBeStrings) {
  std::string yaml = "watchers:\n  - name: weekly\n    type: scheduled\n    every: 1h\n"
                     "    emit: {title: Review, summary: {a: 1}}\n";
  EXPECT_EQ(CheckError(yaml), "vigil.yaml:5:36: watchers[0].emit.summary: expected a string");
}

TEST(ConfigValueTypes, MaintenanceEndpointAndGeneratorTextMustBeStrings) {
  std::string crash = CheckError("jobs:\n  crash_report_flush:\n    endpoint: {url: [https://x.example]}\n");
  EXPECT_NE(crash.find("jobs.crash_report_flush.endpoint.url: expected a string"), std::string::npos) << crash;
  std::string coverage = CheckError(
      "jobs:\n  context_backup_coverage:\n    database: {url: sqlite:/tmp/v.db}\n    fernet_key: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
      "    generator: {base_url: https://x.example/v1, model: 4}\n");
  EXPECT_NE(coverage.find("jobs.context_backup_coverage.generator.model: expected a string"), std::string::npos)
      << coverage;
}

}  // namespace
}  // namespace vigil

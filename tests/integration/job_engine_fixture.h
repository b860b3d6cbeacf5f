// The job engine's integration tests' fixture: a migrated database of each dialect (an SQLite
// file, the test PostgreSQL), the noop kind registered, and helpers to enqueue jobs and wait.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jobs/engine/job_engine.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"
#include "tests/support/wal_syncs.h"

namespace vigil {

using namespace std::chrono_literals;

// A migrated database of the test's dialect, a connection to it and a registry holding noop;
// Count and WaitFor read the database. The base of the engine's and the pauses' fixtures.
class JobDbTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    registry_.Add(NoopKind());
  }

  int64_t Count(const std::string& sql) { return testing::CountOf(*conn_, sql); }

  bool WaitFor(const std::string& sql, int64_t want, std::chrono::milliseconds timeout = 20s) {
    return testing::WaitFor([&] { return Count(sql) == want; }, timeout, 20ms);
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  JobRegistry registry_;
};

class JobEngineTest : public JobDbTest {
 protected:
  void SetUp() override {
    testing::CountWalSyncs();  // before any connection opens
    JobDbTest::SetUp();
  }

  JobEngineOptions Options(const std::string& node, int concurrency = 4) {
    JobEngineOptions o;
    o.database.url = db_.url();
    o.queues = {{"default", concurrency}};
    o.node_id = node;
    o.poll_interval = 50ms;
    o.lease = 2s;
    o.rescue_interval = 200ms;
    return o;
  }

  std::vector<int64_t> Enqueue(int n, nlohmann::json args = {{"mark", true}}, int max_attempts = 20) {
    std::vector<JobSpec> jobs(n);
    for (auto& j : jobs) {
      j.kind = "noop";
      j.args = args;
      j.max_attempts = max_attempts;
    }
    auto r = EnqueueJobs(*conn_, jobs, std::chrono::system_clock::now());
    EXPECT_TRUE(r.ok()) << r.error();
    std::vector<int64_t> ids;
    for (const auto& e : *r) ids.push_back(e.id);
    return ids;
  }

  // noop under the name "slow", with a timeout of its own (its jobs sleep on {"sleep_ms": N}).
  static KindSpec SlowKind(std::chrono::milliseconds timeout) {
    KindSpec slow = NoopKind();
    slow.kind = "slow";
    slow.timeout = timeout;
    return slow;
  }
};

}  // namespace vigil

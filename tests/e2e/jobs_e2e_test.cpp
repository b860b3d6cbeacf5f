// The job engine through the built binary: several daemons on one PostgreSQL, SIGKILL mid-run,
// schedules across daemons, SIGTERM drain, and the jobs/cron CLI verbs.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/test_db.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::RunVigil;

std::string Config(const std::string& url, int port, const std::string& extra = "") {
  return "database:\n  url: " + url + "\nhttp:\n  listen: 127.0.0.1:" + std::to_string(port) +
         "\njobs:\n  workers: 4\n  lease: 2s\n  poll_interval: 100ms\n  shutdown_timeout: 2s\n" + extra;
}

int64_t Count(SqlConnection& db, const std::string& sql) {
  auto r = db.Query(sql);
  return r.ok() ? r->rows[0].Int(0) : -1;
}

bool WaitCount(SqlConnection& db, const std::string& sql, int64_t want, std::chrono::milliseconds timeout) {
  return testing::WaitFor([&] { return Count(db, sql) >= want; }, timeout, 50ms);
}

TEST(JobsE2E, TenThousandJobsThroughThreeDaemonsOneKilledMidRun) {
  testing::TestDb pg("postgres");
  std::vector<std::unique_ptr<DaemonProcess>> daemons;
  for (int i = 0; i < 3; ++i) {
    daemons.push_back(std::make_unique<DaemonProcess>());
    daemons[i]->WriteConfig(Config(pg.url(), daemons[i]->port()));
  }
  auto [mc, mout] = RunVigil({"migrate", "--config", daemons[0]->config_path()});
  ASSERT_EQ(mc, 0) << mout;
  auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--count", "10000", "--args", R"({"mark":true,"sleep_ms":2})",
                              "--config", daemons[0]->config_path()});
  ASSERT_EQ(ec, 0) << eout;
  for (auto& d : daemons) ASSERT_TRUE(d->StartDaemon()) << d->Stderr();
  auto db = pg.Connect();
  ASSERT_TRUE(WaitCount(*db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 2500, 60s));
  daemons[1]->Signal(SIGKILL);
  EXPECT_EQ(daemons[1]->Wait(5s), -SIGKILL);
  ASSERT_TRUE(WaitCount(*db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 10000, 90s))
      << Count(*db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'");
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM vigil_noop_marks"), 10000) << "an effect is missing";
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM vigil_jobs WHERE state <> 'completed'"), 0);
  // A job the killed daemon had run but whose outcome it had not yet committed (its handlers plus
  // one batch of outcomes waiting for the completer) runs again, once; no other job runs twice.
  EXPECT_LE(Count(*db, "SELECT MAX(runs) FROM vigil_noop_marks"), 2);
  EXPECT_LE(Count(*db, "SELECT COUNT(DISTINCT node_id) FROM vigil_noop_marks WHERE runs > 1"), 1)
      << "only the killed daemon's jobs may run twice";
  EXPECT_LE(Count(*db, "SELECT COUNT(*) FROM vigil_noop_marks WHERE runs > 1"), 200);
  EXPECT_EQ(Count(*db, "SELECT COUNT(DISTINCT node_id) FROM vigil_noop_marks"), 3) << "all three daemons took work";
  for (int i : {0, 2}) {
    daemons[i]->Signal(SIGTERM);
    EXPECT_EQ(daemons[i]->Wait(20s), 0) << daemons[i]->Stderr();
  }
}

TEST(JobsE2E, ScheduleFiresOnceAcrossThreeDaemons) {
  testing::TestDb pg("postgres");
  std::string schedules = "  schedules:\n    - name: tick\n      kind: noop\n      every: 1s\n";
  std::vector<std::unique_ptr<DaemonProcess>> daemons;
  for (int i = 0; i < 3; ++i) {
    daemons.push_back(std::make_unique<DaemonProcess>());
    daemons[i]->WriteConfig(Config(pg.url(), daemons[i]->port(), schedules));
  }
  for (auto& d : daemons) ASSERT_TRUE(d->StartDaemon()) << d->Stderr();
  auto db = pg.Connect();
  EXPECT_TRUE(WaitCount(*db, "SELECT COUNT(*) FROM vigil_schedule_fires WHERE schedule = 'schedule:tick'", 3, 20s));
  for (auto& d : daemons) {
    d->Signal(SIGTERM);
    EXPECT_EQ(d->Wait(20s), 0);
  }
  int64_t fires = Count(*db, "SELECT COUNT(*) FROM vigil_schedule_fires WHERE schedule = 'schedule:tick'");
  EXPECT_GE(fires, 3);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM vigil_jobs WHERE unique_key LIKE 'fire:schedule:tick:%'"), fires);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM vigil_schedule_fires WHERE job_id IS NULL"), 0);
}

TEST(JobsE2E, SigtermLetsRunningJobsFinishAndExitsZero) {
  DaemonProcess d;
  d.WriteConfig(Config("sqlite:vigil.db", d.port()));
  auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--count", "4", "--args", R"({"mark":true,"sleep_ms":800})",
                              "--config", d.config_path()});
  ASSERT_EQ(ec, 0) << eout;
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto db = OpenSqlConnection("sqlite:" + d.dir().File("vigil.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running'", 4, 10s));
  // Claimed is not yet started (the claim commits before the workers take the jobs, and a job not
  // started is handed back on SIGTERM); the handlers sleep 800 ms, so 300 ms in they are running.
  std::this_thread::sleep_for(300ms);  // a stimulus: SIGTERM comes 300 ms into the jobs
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'"), 4) << d.Stderr();
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_noop_marks"), 4);
}

TEST(JobsE2E, SigtermPastTheDeadlineHandsJobsBack) {
  DaemonProcess d;
  d.WriteConfig(Config("sqlite:vigil.db", d.port()));
  auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--count", "6", "--args", R"({"sleep_ms":60000})",
                              "--config", d.config_path()});
  ASSERT_EQ(ec, 0) << eout;
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto db = OpenSqlConnection("sqlite:" + d.dir().File("vigil.db"));
  ASSERT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running'", 4, 10s));
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state IN ('available', 'retryable') AND locked_by IS NULL"), 6);
}

TEST(JobsE2E, RestartAfterKillNineTakesBackItsJobsWithoutWaitingForTheLease) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n"
                "jobs:\n  workers: 4\n  lease: 5m\n  poll_interval: 100ms\n");
  auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--count", "4", "--args", R"({"mark":true,"sleep_ms":1000})",
                              "--config", d.config_path()});
  ASSERT_EQ(ec, 0) << eout;
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto db = OpenSqlConnection("sqlite:" + d.dir().File("vigil.db"));
  ASSERT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running'", 4, 10s));
  d.Signal(SIGKILL);
  EXPECT_EQ(d.Wait(5s), -SIGKILL);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  EXPECT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 4, 30s))
      << "the killed daemon's jobs waited for their 5-minute lease\n" << d.Stderr();
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_noop_marks"), 4);
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_nodes WHERE stopped_at IS NULL"), 1) << "the gone node is marked stopped";
  EXPECT_NE(d.Stderr().find("whose process is gone"), std::string::npos) << d.Stderr();
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
}

// jobs.prefetch: auto (the default) grows with a backlog, and a daemon killed with -9 holds at
// most workers + min(500, 32 x workers) jobs of its queue (docs/jobs.md, Prefetch); the next
// daemon on the host hands them back, and every job runs, none lost.
TEST(JobsE2E, KillNineWithABacklogHoldsAtMostTheDocumentedPrefetch) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n"
                "jobs:\n  workers: 4\n  lease: 5m\n");
  constexpr int kJobs = 3000, kBound = 4 + 4 * 32;
  auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--count", std::to_string(kJobs), "--args",
                              R"({"mark":true,"sleep_ms":3})", "--config", d.config_path()});
  ASSERT_EQ(ec, 0) << eout;
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto db = OpenSqlConnection("sqlite:" + d.dir().File("vigil.db"));
  ASSERT_TRUE(db.ok());
  const std::string held = "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'running'";
  ASSERT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", 200, 30s)) << d.Stderr();
  int64_t most = 0;
  for (int i = 0; i < 20; ++i) {
    most = std::max(most, Count(**db, held));
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GT(most, 4) << "with a backlog the prefetch grows beyond the 4 workers";
  EXPECT_LE(most, kBound);
  d.Signal(SIGKILL);
  EXPECT_EQ(d.Wait(5s), -SIGKILL);
  int64_t at_kill = Count(**db, held);
  EXPECT_LE(at_kill, kBound) << "jobs left leased to the killed daemon";
  EXPECT_GT(Count(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state <> 'completed'"), 0) << "the backlog ran out before the kill";
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  EXPECT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", kJobs, 60s)) << d.Stderr();
  EXPECT_EQ(Count(**db, "SELECT COUNT(*) FROM vigil_noop_marks"), kJobs) << "a job was lost";
  // Only a job that ran but whose outcome was not committed runs again: at most the 4 running
  // plus one batch of outcomes; a prefetched job not started runs once.
  EXPECT_LE(Count(**db, "SELECT MAX(runs) FROM vigil_noop_marks"), 2);
  EXPECT_LE(Count(**db, "SELECT COUNT(*) FROM vigil_noop_marks WHERE runs > 1"), at_kill);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
}

// `vigil jobs enqueue` from another process reaches an idle SQLite daemon through its WAL watch,
// not at its next heartbeat (10 s with the default lease) or poll (30 s). The listener's read used
// to come between the CLI's WAL write and the commit's publication, and missed the job: 7 to 10 s
// for three of three such enqueues. Each of eight enqueues here runs within 2 s.
TEST(JobsE2E, AJobEnqueuedByTheCliReachesAnIdleSqliteDaemonAtOnce) {
  DaemonProcess d;
  d.WriteConfig("database:\n  url: sqlite:vigil.db\nhttp:\n  listen: 127.0.0.1:${PORT}\n");
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto db = OpenSqlConnection("sqlite:" + d.dir().File("vigil.db"));
  ASSERT_TRUE(db.ok());
  for (int i = 1; i <= 8; ++i) {
    std::this_thread::sleep_for(300ms);  // the daemon is idle again, its fetcher asleep
    auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--config", d.config_path()});
    ASSERT_EQ(ec, 0) << eout;
    EXPECT_TRUE(WaitCount(**db, "SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'", i, 2s)) << "enqueue " << i;
  }
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
}

TEST(JobsE2E, JobsCliListShowRetryCancel) {
  DaemonProcess d;
  d.WriteConfig(Config("sqlite:vigil.db", d.port()));
  auto [ec, eout] = RunVigil({"jobs", "enqueue", "noop", "--json", "--config", d.config_path()});
  ASSERT_EQ(ec, 0) << eout;
  auto enq = nlohmann::json::parse(eout);
  std::string id = std::to_string(enq["ids"][0].get<int64_t>());
  auto [lc, lout] = RunVigil({"jobs", "list", "--json", "--config", d.config_path()});
  ASSERT_EQ(lc, 0) << lout;
  EXPECT_EQ(nlohmann::json::parse(lout)[0]["state"], "available");
  auto [cc, cout] = RunVigil({"jobs", "cancel", id, "--config", d.config_path()});
  EXPECT_EQ(cc, 0) << cout;
  auto [sc, sout] = RunVigil({"jobs", "show", id, "--json", "--config", d.config_path()});
  auto shown = nlohmann::json::parse(sout);
  EXPECT_EQ(shown["state"], "cancelled");
  EXPECT_TRUE(shown["created_at"].is_string() && shown["created_at"].get<std::string>().ends_with("Z")) << sout;
  auto [hc, hout] = RunVigil({"jobs", "show", id, "--config", d.config_path()});
  EXPECT_EQ(hc, 0) << hout;
  EXPECT_NE(hout.find("state         cancelled\n"), std::string::npos) << hout;
  auto [rc, rout] = RunVigil({"jobs", "retry", id, "--json", "--config", d.config_path()});
  EXPECT_EQ(rc, 0) << rout;
  auto [xc, xout] = RunVigil({"jobs", "show", "999999", "--config", d.config_path()});
  EXPECT_NE(xc, 0);
  EXPECT_NE(xout.find("no job 999999"), std::string::npos);
}

}  // namespace
}  // namespace vigil

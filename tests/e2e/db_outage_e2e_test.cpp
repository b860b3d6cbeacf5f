// PostgreSQL goes away under a running daemon and comes back: no claimed job is lost, /readyz
// reports the outage, and the daemon reconnects by itself. Uses a private server of its own (the
// shared test server stays up for the other tests).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "store/sql.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/private_postgres.h"
#include "tests/support/wait_for.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

int ReadyStatus(int port) {
  testsupport::RawHttpClient c(port);
  c.Send(testsupport::MakeRequest("GET", "/readyz"));
  auto r = c.ReadResponse(5s);
  return r ? r->status : 0;
}

TEST(DbOutageE2E, JobsSurviveThePostgresServerGoingAwayAndComingBack) {
  testing::PrivatePostgres pg;
  ASSERT_FALSE(pg.url().empty()) << "could not start a private PostgreSQL";
  testing::DaemonProcess d;
  d.WriteConfig("database:\n  url: " + pg.url() + "\nhttp:\n  listen: 127.0.0.1:${PORT}\njobs:\n  workers: 4\n  lease: 3s\n"
                "  poll_interval: 100ms\n");
  auto [ec, eout] = testing::RunVigil({"jobs", "enqueue", "noop", "--count", "400", "--args", R"({"mark":true,"sleep_ms":20})",
                                       "--config", d.config_path()});
  ASSERT_EQ(ec, 0) << eout;
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  auto db = OpenSqlConnection(pg.url());
  ASSERT_TRUE(db.ok()) << db.error();
  auto completed = [&] {
    auto r = (*db)->Query("SELECT COUNT(*) FROM vigil_jobs WHERE state = 'completed'");
    return r.ok() ? r->rows[0].Int(0) : int64_t{0};
  };
  ASSERT_TRUE(testing::WaitFor([&] { return completed() >= 40; }, 30s, 20ms)) << d.Stderr();  // mid-run
  db->reset();  // the pause below would hold this connection too
  pg.Pause();
  EXPECT_TRUE(testing::WaitFor([&] { return ReadyStatus(d.port()) == 503; }, 10s, 50ms));
  std::this_thread::sleep_for(1500ms);  // the outage itself: a stimulus of fixed length
  pg.Resume();
  db = OpenSqlConnection(pg.url());
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_TRUE(testing::WaitFor([&] { return completed() == 400; }, 60s, 100ms)) << d.Stderr();
  EXPECT_EQ((*db)->Query("SELECT COUNT(*) FROM vigil_noop_marks")->rows[0].Int(0), 400);
  EXPECT_EQ(ReadyStatus(d.port()), 200);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(20s), 0) << d.Stderr();
}

}  // namespace
}  // namespace vigil

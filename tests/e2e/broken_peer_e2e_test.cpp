// Peers that go away mid-write: a client resetting its connection while the daemon writes
// responses to it, and a reader closing the pipe the CLI writes into. Either costs that
// connection or that output, never the process (SIGPIPE is ignored; writes fail with EPIPE).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "tests/support/daemon_process.h"
#include "tests/support/http_test_client.h"
#include "tests/support/paths.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testsupport::RawHttpClient;

const char* kConfig = R"(database:
  url: sqlite:vigil.db
http:
  listen: 127.0.0.1:${PORT}
)";

// The process's ignored signals, from the SigIgn mask in /proc/PID/status.
bool IgnoresSignal(pid_t pid, int sig) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("SigIgn:")) return (std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1;
  ADD_FAILURE() << "no SigIgn line for " << pid;
  return false;
}

TEST(BrokenPeerE2E, ClientsResettingMidResponseCostOnlyTheirConnection) {
  DaemonProcess d;
  d.WriteConfig(kConfig);
  ASSERT_TRUE(d.StartDaemon()) << d.Stderr();
  // The guard itself: Linux answers the first write after a reset with ECONNRESET (libuv then
  // closes the stream) and only a later one with EPIPE and SIGPIPE, an order the rounds below
  // rarely hit, so the signal's disposition is checked directly.
  EXPECT_TRUE(IgnoresSignal(d.pid(), SIGPIPE)) << "a write to a reset socket would raise SIGPIPE and kill the daemon";
  std::string pipelined;
  for (int i = 0; i < 300; ++i) pipelined += testsupport::MakeRequest("GET", "/metrics");
  for (int round = 0; round < 20; ++round) {
    RawHttpClient client(d.port());
    ASSERT_TRUE(client.connected());
    client.Send(pipelined);  // ~300 responses of several KB each: more than the socket buffers hold
    ASSERT_TRUE(client.ReadResponse(5s)) << "round " << round;
    client.Reset();  // the daemon is still writing the rest
  }
  RawHttpClient after(d.port());
  after.Send(testsupport::MakeRequest("GET", "/healthz"));
  auto res = after.ReadResponse(5s);
  ASSERT_TRUE(res) << d.Stderr();
  EXPECT_EQ(res->status, 200);
  d.Signal(SIGTERM);
  EXPECT_EQ(d.Wait(10s), 0) << d.Stderr();
}

TEST(BrokenPeerE2E, CliWritingIntoAClosedPipeExitsWithAStatus) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);  // nobody will read: the first write fails
  std::string bin = testing::VigilBinary();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    execl(bin.c_str(), bin.c_str(), "--help", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
}

}  // namespace
}  // namespace vigil

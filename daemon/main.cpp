#include <csignal>
#include "daemon/cli/cli.h"

int main(int argc, char** argv) {
  // A peer that resets a connection while a response is being written must cost that
  // connection, not the process: libuv writes with write(2), which raises SIGPIPE on Linux, so
  // the signal is ignored and the write fails with EPIPE instead (as Node does). The same for the
  // CLI's output into a closed pipe.
  std::signal(SIGPIPE, SIG_IGN);
  return vigil::RunCli(argc, argv);
}

// DaemonProcess: the built `vigil` binary run as a child process for end-to-end tests, with its
// own config in a temp dir, a free loopback port, stderr captured to a file, and NOTIFY_SOCKET
// pointed at a datagram socket the test reads (sd_notify messages).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace vigil::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

class DaemonProcess {
 public:
  DaemonProcess();
  ~DaemonProcess();  // kills the child if still running

  TempDir& dir() { return dir_; }
  int port() const { return port_; }
  // Writes vigil.yaml into the temp dir; "${PORT}" in `yaml` is replaced by port().
  std::string WriteConfig(const std::string& yaml);
  std::string config_path() const { return dir_.File("vigil.yaml"); }

  // Starts `vigil <args...>` with extra environment variables.
  bool Start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
  // Starts `vigil run --config <config_path()>` and waits for READY=1.
  bool StartDaemon(const std::map<std::string, std::string>& env = {});

  // Waits for an sd_notify datagram containing `needle`; returns the whole datagram.
  std::optional<std::string> WaitNotify(const std::string& needle, std::chrono::milliseconds timeout);
  const std::vector<std::string>& notifications() const { return notes_; }

  void Signal(int sig);
  // Waits for the child to exit; its exit code, or -signal if killed; nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  TempDir dir_;
  int port_;
  int notify_fd_ = -1;
  pid_t pid_ = -1;
  std::vector<std::string> notes_;
};

// Runs the binary to completion and returns {exit code, stdout+stderr}.
std::pair<int, std::string> RunVigil(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

}  // namespace vigil::testing

#include "tests/support/daemon_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "tests/support/paths.h"
#include "tests/support/wait_for.h"

namespace vigil::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, const std::string& out_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 1);
  dup2(fd, 2);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> argv;
  std::string bin = VigilBinary();
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(bin.c_str(), argv.data());
  _exit(127);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

DaemonProcess::DaemonProcess() : port_(FreePort()) {
  notify_fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = dir_.File("notify.sock");
  strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bind(notify_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (notify_fd_ >= 0) close(notify_fd_);
}

std::string DaemonProcess::WriteConfig(const std::string& yaml) {
  std::string text = yaml;
  for (size_t at; (at = text.find("${PORT}")) != std::string::npos;) text.replace(at, 7, std::to_string(port_));
  return dir_.Write("vigil.yaml", text);
}

bool DaemonProcess::Start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  auto full = env;
  full["NOTIFY_SOCKET"] = dir_.File("notify.sock");
  pid_ = Spawn(args, full, dir_.File("stderr.log"));
  return pid_ > 0;
}

bool DaemonProcess::StartDaemon(const std::map<std::string, std::string>& env) {
  if (!Start({"run", "--config", config_path()}, env)) return false;
  return WaitNotify("READY=1", std::chrono::seconds(20)).has_value();
}

std::optional<std::string> DaemonProcess::WaitNotify(const std::string& needle, std::chrono::milliseconds timeout) {
  for (const auto& n : notes_) {
    if (n.find(needle) != std::string::npos) return n;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{notify_fd_, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (poll(&p, 1, std::max(left, 1)) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(notify_fd_, buf, sizeof buf, 0);
    if (n <= 0) continue;
    notes_.emplace_back(buf, n);
    if (notes_.back().find(needle) != std::string::npos) return notes_.back();
  }
  return std::nullopt;
}

void DaemonProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

std::optional<int> DaemonProcess::Wait(std::chrono::milliseconds timeout) {
  std::optional<int> result;
  (void)WaitFor([&] {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    pid_ = -1;
    result = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return true;
  }, timeout);
  return result;
}

std::string DaemonProcess::Stderr() const { return ReadFile(dir_.File("stderr.log")); }

std::pair<int, std::string> RunVigil(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  TempDir dir;
  std::string out = dir.File("out.log");
  pid_t pid = Spawn(args, env, out);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out)};
}

}  // namespace vigil::testing

#include "tests/support/smtp_tls_test_server.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "tests/support/paths.h"
#include "tests/support/wait_for.h"

namespace vigil::testsupport {

SmtpTlsTestServer::SmtpTlsTestServer(SmtpTlsOptions options) : options_(std::move(options)) {
  if (!MakeCertificate()) {
    ADD_FAILURE() << "openssl req could not make a self-signed certificate in " << dir_.path();
    return;
  }
  Start();
}

SmtpTlsTestServer::~SmtpTlsTestServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

std::string SmtpTlsTestServer::url() const {
  return (options_.mode == "smtps" ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") + std::to_string(port_);
}

bool SmtpTlsTestServer::MakeCertificate() {
  std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1"
                        " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" + dir_.File("key.pem") +
                        "' -out '" + dir_.File("cert.pem") + "' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

void SmtpTlsTestServer::Start() {
  std::vector<std::string> args = {"/usr/bin/python3", testing::SourceDir() + "/tests/support/smtp_tls_server.py",
                                   "--port-file", dir_.File("port"), "--log", dir_.File("events.jsonl"),
                                   "--cert", dir_.File("cert.pem"), "--key", dir_.File("key.pem"),
                                   "--mode", options_.mode, "--login", options_.login, "--password", options_.password,
                                   "--refuse", std::to_string(options_.refuse_data_with)};
  std::string log = dir_.File("server.log");
  std::vector<char*> argv;  // built before fork: the child of a threaded process only calls exec-safe functions
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_ = fork();
  if (pid_ == 0) {
    if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (log_fd >= 0) close(log_fd);
  bool started = testing::WaitFor([this] {
    std::ifstream(dir_.File("port")) >> port_;
    return port_ != 0;
  }, std::chrono::seconds(10), std::chrono::milliseconds(20));
  if (!started) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ADD_FAILURE() << "the aiosmtpd test server did not start (is python3-aiosmtpd installed? apt-get install "
                     "python3-aiosmtpd): " << text;
  }
}

std::vector<nlohmann::json> SmtpTlsTestServer::Events(const std::string& kind) const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir_.File("events.jsonl"));
  for (std::string line; std::getline(in, line);) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() && (kind.empty() || event.value("event", "") == kind)) out.push_back(std::move(event));
  }
  return out;
}

}  // namespace vigil::testsupport

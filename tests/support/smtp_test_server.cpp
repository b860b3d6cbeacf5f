#include "tests/support/smtp_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace vigil::testsupport {
namespace {

// Reads one CRLF-terminated line into `line`; false on EOF, error or stop.
bool ReadLine(int fd, std::string& buffer, std::string& line, const std::atomic<bool>& stop) {
  while (true) {
    auto end = buffer.find("\r\n");
    if (end != std::string::npos) {
      line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, 50);
    if (stop.load()) return false;
    if (ready <= 0) continue;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

void Say(int fd, const std::string& text) {
  std::string line = text + "\r\n";
  (void)!write(fd, line.data(), line.size());
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Address(const std::string& arg) {
  auto open = arg.find('<');
  auto close = arg.find('>');
  if (open == std::string::npos || close == std::string::npos) return arg;
  return arg.substr(open + 1, close - open - 1);
}

}  // namespace

SmtpTestServer::SmtpTestServer(int reject_data_times) : reject_data_times_(reject_data_times) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 8) != 0) {
    close(listen_fd_);
    throw std::runtime_error("smtp test server: cannot listen");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Run(); });
}

SmtpTestServer::~SmtpTestServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::vector<ReceivedMail> SmtpTestServer::Messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

void SmtpTestServer::Run() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    Serve(fd);
    close(fd);
  }
}

void SmtpTestServer::Serve(int fd) {
  std::string buffer, line;
  ReceivedMail mail;
  Say(fd, "220 vigil-test ESMTP");
  while (ReadLine(fd, buffer, line, stop_)) {
    std::string verb = Upper(line.substr(0, line.find(' ')));
    if (verb == "EHLO") {
      Say(fd, "250-vigil-test");
      Say(fd, "250 8BITMIME");
    } else if (verb == "HELO" || verb == "NOOP") {
      Say(fd, "250 ok");
    } else if (verb == "MAIL") {
      mail = ReceivedMail{Address(line), {}, ""};
      Say(fd, "250 ok");
    } else if (verb == "RCPT") {
      mail.rcpt_to.push_back(Address(line));
      Say(fd, "250 ok");
    } else if (verb == "RSET") {
      mail = ReceivedMail{};
      Say(fd, "250 ok");
    } else if (verb == "DATA") {
      if (reject_data_times_ > 0) {
        --reject_data_times_;
        Say(fd, "451 try again later");
        continue;
      }
      Say(fd, "354 end with <CRLF>.<CRLF>");
      while (ReadLine(fd, buffer, line, stop_) && line != ".") {
        mail.data += (line.starts_with("..") ? line.substr(1) : line) + "\r\n";
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        messages_.push_back(mail);
      }
      Say(fd, "250 queued");
    } else if (verb == "QUIT") {
      Say(fd, "221 bye");
      return;
    } else {
      Say(fd, "502 not implemented");
    }
  }
}

std::string DecodeQuotedPrintable(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=' && text.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else if (text[i] == '=' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace vigil::testsupport

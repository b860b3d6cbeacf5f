// SmtpTestServer: a tiny SMTP server on 127.0.0.1 (a free port) for delivery tests. It speaks
// enough of RFC 5321 for libcurl: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA (dot-unstuffed),
// RSET, NOOP, QUIT, and records each message it accepts. `reject_data_times` makes the first N
// DATA commands fail with 451, to test retries.
//
// Threads: one server thread accepts and serves connections one at a time (poll with a short
// timeout, so the destructor's stop flag is seen promptly); tests read the record from their own
// thread through Messages(). The destructor stops the thread and closes every socket.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace vigil::testsupport {

struct ReceivedMail {
  std::string mail_from;            // the address inside MAIL FROM:<...>
  std::vector<std::string> rcpt_to;
  std::string data;                 // the message as sent, CRLF line ends, without the final "."
};

// `text` with quoted-printable undone (soft line breaks removed, "=XX" made bytes), for reading a
// message's body; anything else passes as it is.
std::string DecodeQuotedPrintable(std::string_view text);

class SmtpTestServer {
 public:
  explicit SmtpTestServer(int reject_data_times = 0);
  ~SmtpTestServer();
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedMail> Messages();

 private:
  void Run();
  void Serve(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  int reject_data_times_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<ReceivedMail> messages_;
  std::thread thread_;
};

}  // namespace vigil::testsupport

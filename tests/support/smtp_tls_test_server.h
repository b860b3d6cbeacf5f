// SmtpTlsTestServer: a real SMTP server with TLS for the e-mail tests, aiosmtpd run under
// /usr/bin/python3 (tests/support/smtp_tls_server.py) on 127.0.0.1. The constructor makes a
// throwaway self-signed certificate (openssl req -x509, CN=localhost, SAN 127.0.0.1, one day) in
// a temp dir, starts the server in the chosen mode and waits until it listens; the destructor
// stops it (SIGTERM, then waits) and removes the temp dir. Events(): what the server saw (AUTH
// attempts, mails decoded by Python's email package, refusals), read from its JSON-lines log.
//
// Threads: the server is a child process; call everything from the test's thread. Construction
// fails the test (ADD_FAILURE) when the certificate or the server cannot be made; check ok().
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace vigil::testsupport {

struct SmtpTlsOptions {
  std::string mode = "starttls";  // "starttls" | "plain" (no STARTTLS offered, AUTH in clear) | "smtps"
  std::string login = "vigil";
  std::string password = "s3cret-pw";
  int refuse_data_with = 0;       // e.g. 550: every DATA is answered with this code
};

class SmtpTlsTestServer {
 public:
  explicit SmtpTlsTestServer(SmtpTlsOptions options = {});
  ~SmtpTlsTestServer();
  SmtpTlsTestServer(const SmtpTlsTestServer&) = delete;
  SmtpTlsTestServer& operator=(const SmtpTlsTestServer&) = delete;

  bool ok() const { return port_ > 0; }
  // smtp://127.0.0.1:port, or smtps:// in mode "smtps".
  std::string url() const;
  // The certificate the server presents (PEM), for smtp.ca_file.
  std::string ca_file() const { return dir_.File("cert.pem"); }
  // Every event the server logged so far, oldest first; `kind` filters on "event".
  std::vector<nlohmann::json> Events(const std::string& kind = "") const;

 private:
  bool MakeCertificate();
  void Start();

  SmtpTlsOptions options_;
  testing::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace vigil::testsupport

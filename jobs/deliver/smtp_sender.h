// SendMail: one e-mail through an SMTP server with libcurl: smtps:// (TLS from the first byte) or
// smtp:// with STARTTLS required (unless `starttls: false`), AUTH when a username is set, the
// server's certificate checked against the system's CAs or `ca_file`. A password never leaves over
// an unencrypted connection unless `allow_plaintext_auth`: a server that offers no STARTTLS fails
// the send before AUTH. Blocking; call it on a worker thread. Errors name the SMTP stage that
// failed (curl's message and the server's last reply code), never the password or the URL's
// user-info.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"
#include "jobs/triage/triage_config.h"

namespace vigil {

// What one send came to: ok, or an error and whether sending again can help. A 5xx reply, a server
// without the STARTTLS the settings require, and a password the settings would send in clear text
// are permanent; 4xx replies, timeouts and connection errors are not.
struct MailOutcome {
  Status status;
  bool permanent = false;
};

// `message` is the whole RFC 5322 text (headers, blank line, body) with CRLF line ends.
MailOutcome SendMail(const SmtpSettings& smtp, const std::string& from, const std::vector<std::string>& to, const std::string& message,
                     std::chrono::milliseconds timeout, const CancelToken* cancel);

// "<addr>" for MAIL FROM / RCPT TO from "Name <addr>" or a bare address.
std::string EnvelopeAddress(const std::string& address);

}  // namespace vigil

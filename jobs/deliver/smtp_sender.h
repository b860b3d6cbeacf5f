// SendMail: one e-mail through an SMTP server with libcurl (smtp:// or smtps://, optional
// STARTTLS and AUTH). Blocking; call it on a worker thread. Returns an error naming the SMTP
// stage that failed (curl's message and the server's last response code), never the password.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"
#include "jobs/triage/triage_config.h"

namespace vigil {

// `message` is the whole RFC 5322 text (headers, blank line, body) with CRLF line ends.
Status SendMail(const SmtpSettings& smtp, const std::string& from, const std::vector<std::string>& to, const std::string& message,
                std::chrono::milliseconds timeout, const CancelToken* cancel);

// "<addr>" for MAIL FROM / RCPT TO from "Name <addr>" or a bare address.
std::string EnvelopeAddress(const std::string& address);

}  // namespace vigil

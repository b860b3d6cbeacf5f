// What a delivery sends, per channel type, built from a notification: the JSON payload of the
// outbound webhook (and its HMAC-SHA256 signature header), a Slack incoming-webhook message with
// readable formatting, and an RFC 5322 e-mail. Pure functions; any thread.
//
// Signature: X-Vigil-Signature-256: sha256=<lower-case hex HMAC-SHA256(secret, raw body)>, as
// GitHub signs its webhooks; a receiver recomputes it over the bytes it received and compares in
// constant time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/notification_repo.h"

namespace vigil {

inline constexpr const char* kSignatureHeader = "X-Vigil-Signature-256";

// {"type": "notification", "notification": {...NotificationToJson...}}
nlohmann::json WebhookPayload(const NotificationRow& n);

// "sha256=" + hex HMAC-SHA256 of `body` under `secret`.
std::string SignatureValue(const std::string& secret, const std::string& body);

// {"text": fallback line, "blocks": [header, fields, hypothesis, link]} in Slack mrkdwn.
nlohmann::json SlackPayload(const NotificationRow& n);

// An e-mail's subject and plain-text body (LF line ends), before headers are added.
struct EmailText {
  std::string subject;
  std::string body;
};

// A complete message (headers, blank line, body with CRLF line ends, dot-stuffing left to the
// SMTP client). `message_id` goes into Message-ID; a subject or display name with non-ASCII text
// (or too long for one line) is RFC 2047-encoded; the body is quoted-printable, so no line passes
// 76 characters whatever the text (mail_encoding.h).
std::string RenderEmail(const EmailText& text, const std::string& from, const std::vector<std::string>& to, TimePoint now,
                        const std::string& message_id);

// The notification's subject and body.
EmailText NotificationEmail(const NotificationRow& n);

// RenderEmail(NotificationEmail(n), ...).
std::string EmailMessage(const NotificationRow& n, const std::string& from, const std::vector<std::string>& to, TimePoint now,
                         const std::string& message_id);

// Slack's mrkdwn escapes (&, <, >).
std::string SlackEscape(const std::string& text);

// Upper-case ASCII ("high" -> "HIGH").
std::string UpperAscii(std::string s);

}  // namespace vigil

#include "jobs/deliver/delivery_message.h"

#include <ctime>

#include "common/hex.h"
#include "common/hmac.h"
#include "jobs/deliver/mail_encoding.h"

namespace vigil {
namespace {

std::string RfcDate(TimePoint now) {
  time_t secs = std::chrono::system_clock::to_time_t(now);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &parts);
  return buf;
}

std::string Community(const NotificationRow& n) { return n.community_name.empty() ? "vigil" : n.community_name; }

}  // namespace

nlohmann::json WebhookPayload(const NotificationRow& n) {
  return {{"type", "notification"}, {"notification", NotificationToJson(n)}};
}

std::string SignatureValue(const std::string& secret, const std::string& body) {
  return "sha256=" + HexEncode(HmacSha256(secret, body));
}

std::string SlackEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

nlohmann::json SlackPayload(const NotificationRow& n) {
  std::string title = SlackEscape(n.title);
  std::string linked = n.source_url.empty() ? "*" + title + "*" : "*<" + n.source_url + "|" + title + ">*";
  std::string fallback = "[" + UpperAscii(n.signal) + "] " + Community(n) + ": " + n.title;
  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", "[" + UpperAscii(n.signal) + "] " + Community(n)}}}});
  blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", linked}}}});
  if (!n.suggested_hypothesis.empty()) {
    blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "*Suggested hypothesis:* " + SlackEscape(n.suggested_hypothesis)}}}});
  }
  if (!n.triage_reasoning.empty()) {
    blocks.push_back({{"type", "context"}, {"elements", {{{"type", "mrkdwn"}, {"text", "Why: " + SlackEscape(n.triage_reasoning)}}}}});
  }
  return {{"text", fallback}, {"blocks", blocks}};
}

std::string UpperAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string RenderEmail(const EmailText& text, const std::string& from, const std::vector<std::string>& to, TimePoint now,
                        const std::string& message_id) {
  std::string recipients;
  for (const auto& r : to) recipients += (recipients.empty() ? "" : ",\r\n ") + AddressHeader(r);
  std::string m;
  m += "Date: " + RfcDate(now) + "\r\n";
  m += "From: " + AddressHeader(from) + "\r\n";
  m += "To: " + recipients + "\r\n";
  m += "Message-ID: <" + message_id + ">\r\n";
  m += "Subject: " + HeaderText(text.subject) + "\r\n";
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  return m + QuotedPrintable(text.body);
}

EmailText NotificationEmail(const NotificationRow& n) {
  EmailText t;
  t.subject = "[vigil " + n.signal + "] " + Community(n) + ": " + n.title;
  std::string& b = t.body;
  b += n.title + "\n\n";
  b += "Community: " + Community(n) + "\nSignal: " + n.signal + "\n";
  if (!n.source_url.empty()) b += "Link: " + n.source_url + "\n";
  if (!n.suggested_hypothesis.empty()) b += "\nSuggested hypothesis:\n" + n.suggested_hypothesis + "\n";
  if (!n.triage_reasoning.empty()) b += "\nWhy:\n" + n.triage_reasoning + "\n";
  if (!n.summary.empty()) b += "\n" + n.summary + "\n";
  b += "\n-- \nnotification " + n.id + " (vigil notifications read|act|dismiss " + n.id + ")\n";
  return t;
}

std::string EmailMessage(const NotificationRow& n, const std::string& from, const std::vector<std::string>& to, TimePoint now,
                         const std::string& message_id) {
  return RenderEmail(NotificationEmail(n), from, to, now, message_id);
}

}  // namespace vigil

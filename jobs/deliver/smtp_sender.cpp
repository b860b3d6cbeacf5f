#include "jobs/deliver/smtp_sender.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace vigil {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * count, up->data->size() - up->offset);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const CancelToken*>(user);
  return cancel != nullptr && cancel->cancelled() ? 1 : 0;
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct EasyFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

}  // namespace

std::string EnvelopeAddress(const std::string& address) {
  auto open = address.find('<');
  auto close = address.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) return address.substr(open, close - open + 1);
  return "<" + address + ">";
}

namespace {

bool Encrypted(const SmtpSettings& smtp) { return smtp.url.starts_with("smtps://") || smtp.starttls; }

void SetSecurity(CURL* c, const SmtpSettings& smtp) {
  if (smtp.url.starts_with("smtp://") && smtp.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!smtp.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, smtp.ca_file.c_str());
  if (!smtp.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, smtp.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, smtp.password.c_str());
  }
}

MailOutcome Failure(CURL* c, CURLcode rc) {
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_ABORTED_BY_CALLBACK) return {Status::Error("smtp: cancelled"), false};
  if (rc == CURLE_USE_SSL_FAILED) {
    return {Status::Error("smtp: the server offers no STARTTLS, which starttls: true requires; nothing was sent (no password, no "
                          "message)"), true};
  }
  bool permanent = code >= 500 && code <= 599;
  std::string said = code ? " (server said " + std::to_string(code) + (permanent ? ": permanent, not retried)" : ")") : "";
  return {Status::Error(std::string("smtp: ") + curl_easy_strerror(rc) + said), permanent};
}

}  // namespace

MailOutcome SendMail(const SmtpSettings& smtp, const std::string& from, const std::vector<std::string>& to, const std::string& message,
                     std::chrono::milliseconds timeout, const CancelToken* cancel) {
  if (!smtp.password.empty() && !Encrypted(smtp) && !smtp.allow_plaintext_auth) {
    return {Status::Error("smtp: refusing to send the password over smtp:// without STARTTLS (set starttls: true, use smtps://, "
                          "or allow_plaintext_auth: true)"), true};
  }
  std::unique_ptr<CURL, EasyFree> curl(curl_easy_init());
  if (!curl) return {Status::Error("smtp: cannot create a curl handle"), false};
  std::unique_ptr<curl_slist, SlistFree> rcpt;
  for (const auto& r : to) rcpt.reset(curl_slist_append(rcpt.release(), EnvelopeAddress(r).c_str()));
  std::string mail_from = EnvelopeAddress(from);
  Upload upload{&message};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, smtp.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, cancel);
  SetSecurity(c, smtp);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return {Status::Ok(), false};
  return Failure(c, rc);
}

}  // namespace vigil

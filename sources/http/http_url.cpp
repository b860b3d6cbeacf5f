#include "sources/http/http_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <vector>

namespace vigil {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool IsSecretParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kSecrets = {
      "api_key", "apikey", "key", "token", "access_token", "password", "secret", "signature", "sig"};
  std::string lower = Lower(std::string(name));
  return std::find(kSecrets.begin(), kSecrets.end(), lower) != kSecrets.end();
}

// Replaces "user:password@" after "scheme://" with "user:***@".
std::string RedactUserInfo(std::string url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return url;
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < start) return url;
  size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.replace(colon + 1, at - colon - 1, "***");
}

// Calls `fn(name, value_begin, value_end)` for each parameter of the query (positions in `url`).
template <class Fn>
void ForEachQueryParameter(std::string_view url, Fn&& fn) {
  size_t query = url.find('?');
  if (query == std::string_view::npos) return;
  size_t end = std::min(url.find('#', query), url.size());
  size_t pos = query + 1;
  while (pos < end) {
    size_t amp = std::min(url.find('&', pos), end);
    size_t eq = url.find('=', pos);
    if (eq != std::string_view::npos && eq < amp) fn(url.substr(pos, eq - pos), eq + 1, amp);
    pos = amp + 1;
  }
}

// One part of a parsed URL, lower-cased; false if the URL has none.
bool GetPart(CURLU* handle, CURLUPart part, std::string* out) {
  char* text = nullptr;
  if (curl_url_get(handle, part, &text, 0) != CURLUE_OK) return false;
  *out = Lower(text);
  curl_free(text);
  return true;
}

}  // namespace

Result<HttpUrlParts> ParseHttpUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), curl_url_cleanup);
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Status::Error("malformed URL: " + RedactUrlSecrets(url));
  }
  HttpUrlParts parts;
  if (!GetPart(handle.get(), CURLUPART_SCHEME, &parts.scheme)) {
    return Status::Error("URL without scheme: " + RedactUrlSecrets(url));
  }
  if (parts.scheme != "http" && parts.scheme != "https") {
    return Status::Error("refused: scheme " + parts.scheme + " is not http or https: " + RedactUrlSecrets(url));
  }
  if (!GetPart(handle.get(), CURLUPART_HOST, &parts.host)) {
    return Status::Error("URL without host: " + RedactUrlSecrets(url));
  }
  return parts;
}

bool HasApiKey(std::string_view url) {
  bool found = false;
  ForEachQueryParameter(url, [&](std::string_view name, size_t begin, size_t end) {
    if (Lower(std::string(name)) == "api_key" && end > begin) found = true;
  });
  return found;
}

std::string RedactUrlSecrets(std::string_view url) {
  std::string out(url);
  std::vector<std::pair<size_t, size_t>> spans;  // value ranges to replace, in order
  ForEachQueryParameter(url, [&](std::string_view name, size_t begin, size_t end) {
    if (IsSecretParameter(name) && end > begin) spans.emplace_back(begin, end);
  });
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second - it->first, "***");
  return RedactUserInfo(std::move(out));
}

std::string RedactUrlPath(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return "***";
  start += 3;
  size_t end = std::min(url.find_first_of("/?#", start), url.size());
  size_t at = url.rfind('@', end);
  size_t host = at != std::string_view::npos && at >= start ? at + 1 : start;
  return std::string(url.substr(0, start)) + std::string(url.substr(host, end - host)) + "/***";
}

}  // namespace vigil

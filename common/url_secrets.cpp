#include "common/url_secrets.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "common/ascii.h"

namespace vigil {
namespace {

bool IsSecretParameter(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kSecrets = {
      "api_key", "apikey", "key", "token", "access_token", "password", "secret", "signature", "sig"};
  std::string lower = AsciiLower(std::string(name));
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

}  // namespace

bool HasApiKey(std::string_view url) {
  bool found = false;
  ForEachQueryParameter(url, [&](std::string_view name, size_t begin, size_t end) {
    if (AsciiLower(std::string(name)) == "api_key" && end > begin) found = true;
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

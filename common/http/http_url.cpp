#include "common/http/http_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "common/ascii.h"

namespace vigil {
namespace {

// One part of a parsed URL, lower-cased; false if the URL has none.
bool GetPart(CURLU* handle, CURLUPart part, std::string* out) {
  char* text = nullptr;
  if (curl_url_get(handle, part, &text, 0) != CURLUE_OK) return false;
  *out = AsciiLower(text);
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

}  // namespace vigil

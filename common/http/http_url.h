// What the HTTP client needs to know about a URL: its scheme and host (for rate limits and the
// address guard). Whether it carries an NCBI api_key, and a form safe to log, are in
// common/url_secrets.h (the store keys its HTTP cache by that form too).
//
// Threads: pure functions, callable from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "common/url_secrets.h"

namespace vigil {

struct HttpUrlParts {
  std::string scheme;  // lower case: "http" or "https"
  std::string host;    // lower case; IPv6 literals keep their brackets: "[::1]"
};

// Parses an absolute URL with libcurl's parser. Errors name the (redacted) URL; a scheme other
// than http or https is an error.
Result<HttpUrlParts> ParseHttpUrl(const std::string& url);

}  // namespace vigil

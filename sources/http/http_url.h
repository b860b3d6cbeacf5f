// What the HTTP client needs to know about a URL: its scheme and host (for rate limits and the
// address guard), whether it carries an NCBI api_key, and a form safe to log.
//
// Threads: pure functions, callable from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

struct HttpUrlParts {
  std::string scheme;  // lower case: "http" or "https"
  std::string host;    // lower case; IPv6 literals keep their brackets: "[::1]"
};

// Parses an absolute URL with libcurl's parser. Errors name the (redacted) URL; a scheme other
// than http or https is an error.
Result<HttpUrlParts> ParseHttpUrl(const std::string& url);

// True if the query carries a non-empty api_key= parameter.
bool HasApiKey(std::string_view url);

// The URL with the values of secret query parameters (api_key, apikey, key, token, access_token,
// password, secret, signature, sig) and any password in the user-info replaced by "***".
// Used for every URL that reaches a log line, an error text or the conditional-GET cache.
std::string RedactUrlSecrets(std::string_view url);

// Scheme and host (and port) only, the path replaced by "***": "https://hooks.slack.com/***".
// For URLs whose path is itself a credential (a Slack hook, a delivery webhook): no user-info, path,
// query or fragment survives. Text without "scheme://" becomes "***".
std::string RedactUrlPath(std::string_view url);

}  // namespace vigil

// URLs as secrets: a query parameter or the user-info of a URL can be a credential, so every URL
// that reaches a log line, an error text or a stored key goes through RedactUrlSecrets first.
//
// Threads: pure functions, callable from any thread.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

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

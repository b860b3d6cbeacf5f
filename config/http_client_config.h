// The outbound HTTP client's options from the config (contact e-mail, per-host rate limits).
#pragma once

#include "common/http/curl_http_client.h"
#include "config/config.h"

namespace vigil {

// Errors name the file, line and key of a bad http.rate_limits entry.
Result<HttpClientOptions> HttpClientOptionsFrom(const Config& config);

}  // namespace vigil

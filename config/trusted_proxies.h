// http.trusted_proxies: the reverse proxies whose word about the client's connection (TLS or not)
// the daemon believes. Checked when the config loads, so a bad entry is an error of `vigil check`.
// Pure function of the config; any thread.
#pragma once

#include <vector>

#include "common/ip_range.h"
#include "common/status.h"

namespace vigil {

class Config;

// Errors name the entry: "http.trusted_proxies[1]: prefix length 33 out of range 0..32".
Result<std::vector<CidrRange>> TrustedProxies(const Config& config);

}  // namespace vigil

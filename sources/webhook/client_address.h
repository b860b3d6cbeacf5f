// Which address a webhook request came from, for IP allowlists. The direct peer is the answer
// unless it is one of the operator's trusted proxies; only then is X-Forwarded-For believed, and
// only as far as the proxies wrote it: walking the list from the right, the first address that is
// not itself a trusted proxy is the client (everything left of it could have been sent by the
// client). Pure function; any thread.
#pragma once

#include <vector>

#include "common/http/http_types.h"
#include "common/ip_range.h"
#include "common/status.h"

namespace vigil {

// Errors: the peer address is not an IP, or the X-Forwarded-For entry that decides is malformed.
// With no trusted proxies, X-Forwarded-For is ignored entirely.
Result<IpAddress> ClientAddress(const HttpRequest& request,
                                const std::vector<CidrRange>& trusted_proxies);

}  // namespace vigil

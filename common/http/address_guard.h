// AddressGuard: refuses connections to non-public addresses for URLs that came from data
// (server-side request forgery: a citation pointing at http://169.254.169.254/ or at the admin
// API on loopback must not be fetched).
//
// A request is allowed only if its scheme is http(s) and every address its host resolves to is
// public, checked again for each socket libcurl is about to open (CURLOPT_OPENSOCKETFUNCTION), so
// redirects and DNS rebinding are covered too. Hosts in `allow_hosts` (exact names, for tests
// and intranets) skip the address checks.
//
// Threads: immutable after construction; every method may be called from any thread.
// CheckHost blocks on DNS (getaddrinfo): call it on worker threads only.
#pragma once

#include <sys/socket.h>

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil {

// Why an address is not public ("loopback", "private", "link-local", "IPv4-mapped loopback", ...),
// or nullopt for a public address. `ipv4` is in host byte order.
std::optional<std::string> NonPublicReasonV4(uint32_t ipv4);
std::optional<std::string> NonPublicReasonV6(const in6_addr& ipv6);
// For AF_INET / AF_INET6; any other family is "not an IP address".
std::optional<std::string> NonPublicReason(const sockaddr* address);

// "127.0.0.1", "::ffff:127.0.0.1".
std::string AddressText(const sockaddr* address);

struct AddressGuardPolicy {
  std::vector<std::string> allow_hosts;  // exact host names (case-insensitive), e.g. "localhost"
};

class AddressGuard {
 public:
  explicit AddressGuard(AddressGuardPolicy policy);

  // True if `host` (as in a URL; brackets around IPv6 literals are ignored) is allowlisted.
  bool IsAllowedHost(std::string_view host) const;

  // Resolves `host` and returns an error naming the first non-public address:
  // "refused: <host> resolves to 127.0.0.1 (loopback)". A host that does not resolve passes:
  // the transfer will then fail with its own error, and any address it does reach is checked by
  // CheckAddress.
  Status CheckHost(std::string_view host) const;

  // The check for one address about to be connected to, for the connection to `host`.
  Status CheckAddress(std::string_view host, const sockaddr* address) const;

 private:
  std::vector<std::string> allow_hosts_;  // lower case, without brackets
};

}  // namespace vigil

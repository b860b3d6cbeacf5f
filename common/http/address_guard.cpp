#include "common/http/address_guard.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/ascii.h"

namespace vigil {
namespace {

struct V4Range {
  uint32_t base;
  int prefix;
  const char* reason;
};

constexpr uint32_t Ip4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return a << 24 | b << 16 | c << 8 | d; }

// Order matters only for overlapping ranges (none here). Public space is what remains.
constexpr V4Range kNonPublicV4[] = {
    {Ip4(0, 0, 0, 0), 8, "unspecified"},        {Ip4(10, 0, 0, 0), 8, "private"},
    {Ip4(100, 64, 0, 0), 10, "CGNAT"},          {Ip4(127, 0, 0, 0), 8, "loopback"},
    {Ip4(169, 254, 0, 0), 16, "link-local"},    {Ip4(172, 16, 0, 0), 12, "private"},
    {Ip4(192, 0, 0, 0), 24, "reserved"},        {Ip4(192, 0, 2, 0), 24, "documentation"},
    {Ip4(192, 168, 0, 0), 16, "private"},       {Ip4(198, 18, 0, 0), 15, "benchmarking"},
    {Ip4(198, 51, 100, 0), 24, "documentation"}, {Ip4(203, 0, 113, 0), 24, "documentation"},
    {Ip4(224, 0, 0, 0), 4, "multicast"},        {Ip4(255, 255, 255, 255), 32, "broadcast"},
    {Ip4(240, 0, 0, 0), 4, "reserved"},
};

bool InV4Range(uint32_t ip, const V4Range& range) {
  uint32_t mask = range.prefix == 0 ? 0 : ~uint32_t{0} << (32 - range.prefix);
  return (ip & mask) == (range.base & mask);
}

uint32_t V4At(const in6_addr& a, int byte) {
  const uint8_t* b = a.s6_addr;
  return Ip4(b[byte], b[byte + 1], b[byte + 2], b[byte + 3]);
}

bool AllZero(const uint8_t* bytes, int n) {
  return std::all_of(bytes, bytes + n, [](uint8_t b) { return b == 0; });
}

// The reason for an IPv4 address embedded in an IPv6 form, prefixed by that form's name.
std::optional<std::string> EmbeddedReason(const char* form, uint32_t ipv4) {
  auto reason = NonPublicReasonV4(ipv4);
  if (!reason) return std::nullopt;
  return std::string(form) + " " + *reason;
}

std::string WithoutBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::string(host);
}

Status Refusal(std::string_view host, const sockaddr* address, const std::string& reason) {
  return Status::Error("refused: " + std::string(host) + " resolves to " + AddressText(address) + " (" + reason + ")");
}

}  // namespace

std::optional<std::string> NonPublicReasonV4(uint32_t ipv4) {
  for (const auto& range : kNonPublicV4) {
    if (InV4Range(ipv4, range)) return std::string(range.reason);
  }
  return std::nullopt;
}

std::optional<std::string> NonPublicReasonV6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  if (IN6_IS_ADDR_UNSPECIFIED(&a)) return "unspecified";
  if (IN6_IS_ADDR_LOOPBACK(&a)) return "loopback";
  if (IN6_IS_ADDR_V4MAPPED(&a)) return EmbeddedReason("IPv4-mapped", V4At(a, 12));
  // ::a.b.c.d (deprecated IPv4-compatible) is never a legitimate destination.
  if (AllZero(b, 12)) return EmbeddedReason("IPv4-compatible", V4At(a, 12)).value_or("IPv4-compatible");
  // ::ffff:0:a.b.c.d (SIIT translated).
  if (AllZero(b, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) {
    return EmbeddedReason("IPv4-translated", V4At(a, 12));
  }
  static constexpr uint8_t kNat64[12] = {0x00, 0x64, 0xff, 0x9b};
  if (std::memcmp(b, kNat64, 12) == 0) return EmbeddedReason("NAT64", V4At(a, 12));
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01) {
    return "NAT64 local-use";
  }
  if (b[0] == 0x20 && b[1] == 0x02) return EmbeddedReason("6to4", V4At(a, 2));
  if ((b[0] & 0xfe) == 0xfc) return "private";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";
  if (b[0] == 0xff) return "multicast";
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation";
  if (b[0] == 0x01 && AllZero(b + 1, 7)) return "discard";
  return std::nullopt;
}

std::optional<std::string> NonPublicReason(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    return NonPublicReasonV4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    return NonPublicReasonV6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  }
  return "not an IP address";
}

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  }
  return text;
}

AddressGuard::AddressGuard(AddressGuardPolicy policy) {
  for (const auto& host : policy.allow_hosts) allow_hosts_.push_back(AsciiLower(WithoutBrackets(host)));
}

bool AddressGuard::IsAllowedHost(std::string_view host) const {
  std::string key = AsciiLower(WithoutBrackets(host));
  return std::find(allow_hosts_.begin(), allow_hosts_.end(), key) != allow_hosts_.end();
}

Status AddressGuard::CheckHost(std::string_view host) const {
  if (IsAllowedHost(host)) return Status::Ok();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(WithoutBrackets(host).c_str(), nullptr, &hints, &found) != 0) return Status::Ok();
  Status status;
  for (addrinfo* ai = found; ai != nullptr && status.ok(); ai = ai->ai_next) {
    status = CheckAddress(host, ai->ai_addr);
  }
  freeaddrinfo(found);
  return status;
}

Status AddressGuard::CheckAddress(std::string_view host, const sockaddr* address) const {
  if (IsAllowedHost(host)) return Status::Ok();
  auto reason = NonPublicReason(address);
  return reason ? Refusal(host, address, *reason) : Status::Ok();
}

}  // namespace vigil

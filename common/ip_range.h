// IP addresses and CIDR ranges, IPv4 and IPv6 alike, for webhook allowlists (and any later guard on
// addresses). An IPv4 address is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so
// "10.0.0.0/8" also contains a peer that the socket reports as "::ffff:10.1.2.3". Values; any
// thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vigil {

class IpAddress {
 public:
  // Parses "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "[2001:db8::1]" or "fe80::1%eth0"
  // (the zone is dropped). nullopt if the text is no address.
  static std::optional<IpAddress> Parse(std::string_view text);

  bool is_v4() const;  // true for IPv4 and IPv4-mapped IPv6
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  std::string ToString() const;  // dotted quad for IPv4, RFC 5952 text otherwise

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

class CidrRange {
 public:
  // Parses "10.0.0.0/8", "2001:db8::/32", or a bare address (a range of one). Host bits past the
  // prefix are ignored. Errors name the problem, e.g. "prefix length 33 out of range 0..32".
  static Result<CidrRange> Parse(std::string_view text);

  bool Contains(const IpAddress& address) const;
  // True if every address of `other` is in this range (it is this range or a narrower one in it).
  bool Covers(const CidrRange& other) const;

 private:
  CidrRange(const IpAddress& base, int prefix_bits) : base_(base), prefix_bits_(prefix_bits) {}
  IpAddress base_;
  int prefix_bits_ = 0;  // over the 128-bit form: an IPv4 /8 is 104
};

}  // namespace vigil

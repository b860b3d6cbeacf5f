#include "common/ip_range.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace vigil {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
constexpr int kMappedPrefixBits = 96;

std::string_view StripBracketsAndZone(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (size_t pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
  return text;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  std::string s(StripBracketsAndZone(text));
  IpAddress a;
  unsigned char v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    std::memcpy(a.bytes_.data(), kMappedPrefix, 12);
    std::memcpy(a.bytes_.data() + 12, v4, 4);
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes_.data()) == 1) return a;
  return std::nullopt;
}

bool IpAddress::is_v4() const { return std::memcmp(bytes_.data(), kMappedPrefix, 12) == 0; }

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) return inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf);
  return inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
}

Result<CidrRange> CidrRange::Parse(std::string_view text) {
  size_t slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return Status::Error("not an IP address");
  int max_bits = address->is_v4() ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
      return Status::Error("prefix length is not a number");
    }
    if (bits < 0 || bits > max_bits) {
      return Status::Error("prefix length " + std::to_string(bits) + " out of range 0.." +
                           std::to_string(max_bits));
    }
  }
  return CidrRange(*address, address->is_v4() ? bits + kMappedPrefixBits : bits);
}

bool CidrRange::Contains(const IpAddress& address) const {
  const auto& a = address.bytes();
  const auto& b = base_.bytes();
  int full_bytes = prefix_bits_ / 8;
  if (std::memcmp(a.data(), b.data(), size_t(full_bytes)) != 0) return false;
  int rest = prefix_bits_ % 8;
  if (rest == 0) return true;
  uint8_t mask = uint8_t(0xFF << (8 - rest));
  return (a[size_t(full_bytes)] & mask) == (b[size_t(full_bytes)] & mask);
}

bool CidrRange::Covers(const CidrRange& other) const {
  return other.prefix_bits_ >= prefix_bits_ && Contains(other.base_);
}

}  // namespace vigil

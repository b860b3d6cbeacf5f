#include "sources/webhook/client_address.h"

#include <strings.h>

#include <algorithm>
#include <string_view>

namespace vigil {
namespace {

bool IsTrusted(const IpAddress& address, const std::vector<CidrRange>& trusted_proxies) {
  return std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                     [&](const CidrRange& r) { return r.Contains(address); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Some proxies append a port ("192.0.2.1:4711", "[2001:db8::1]:4711"); the address is what counts.
std::optional<IpAddress> ParseForwardedEntry(std::string_view entry) {
  if (auto a = IpAddress::Parse(entry)) return a;
  if (!entry.empty() && entry.front() == '[') {
    size_t close = entry.find(']');
    if (close != std::string_view::npos) return IpAddress::Parse(entry.substr(1, close - 1));
  }
  size_t colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    return IpAddress::Parse(entry.substr(0, colon));
  }
  return std::nullopt;
}

// All X-Forwarded-For entries in order; repeated header lines count as one comma-joined list.
std::vector<std::string_view> ForwardedEntries(const HttpRequest& request) {
  static constexpr std::string_view kName = "X-Forwarded-For";
  std::vector<std::string_view> entries;
  for (const auto& [name, value] : request.headers) {
    if (name.size() != kName.size() || strncasecmp(name.data(), kName.data(), kName.size()) != 0) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view entry = Trim(rest.substr(0, comma));
      if (!entry.empty()) entries.push_back(entry);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return entries;
}

}  // namespace

Result<IpAddress> ClientAddress(const HttpRequest& request,
                                const std::vector<CidrRange>& trusted_proxies) {
  auto peer = IpAddress::Parse(request.remote_addr);
  if (!peer) return Status::Error("peer address is not an IP address");
  if (!IsTrusted(*peer, trusted_proxies)) return *peer;
  IpAddress client = *peer;
  std::vector<std::string_view> entries = ForwardedEntries(request);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto hop = ParseForwardedEntry(*it);
    if (!hop) return Status::Error("malformed X-Forwarded-For entry");
    client = *hop;
    if (!IsTrusted(client, trusted_proxies)) break;
  }
  return client;
}

}  // namespace vigil

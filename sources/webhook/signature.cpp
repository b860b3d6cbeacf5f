#include "sources/webhook/signature.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "common/base64.h"
#include "common/hex.h"
#include "sources/webhook/client_address.h"

namespace vigil {
namespace {

constexpr std::string_view kDefaultTokenHeader = "X-Vigil-Token";

bool StartsWithIgnoringCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<int64_t> ParseUnixSeconds(std::string_view text) {
  int64_t v = 0;
  if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

// Rejects a timestamp further than `tolerance` from now, in either direction.
VerifyResult CheckTimestamp(int64_t sent, std::chrono::seconds tolerance, TimePoint now) {
  int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int64_t skew = now_s > sent ? now_s - sent : sent - now_s;
  if (skew > tolerance.count()) {
    return VerifyResult::Reject("timestamp outside tolerance (" + std::to_string(skew) + " s)");
  }
  return VerifyResult::Accept();
}

// Compares a hex MAC as sent with the expected raw MAC.
VerifyResult CompareHexMac(std::string_view sent_hex, const std::string& expected,
                           std::string_view header) {
  auto sent = HexDecode(sent_hex);
  if (!sent.ok()) return VerifyResult::Reject("malformed hex signature in " + std::string(header));
  if (!ConstantTimeEquals(*sent, expected)) return VerifyResult::Reject("signature mismatch");
  return VerifyResult::Accept();
}

// A header that must be present and start with `prefix` (unless `prefix_optional`); its value
// after the prefix, or a reason.
struct PrefixedHeader {
  std::string_view value;
  std::string reason;
};
PrefixedHeader ReadPrefixedHeader(const HttpRequest& request, std::string_view name,
                                  std::string_view prefix, bool prefix_optional = false) {
  const std::string* value = request.Header(name);
  if (!value) return {{}, "missing header " + std::string(name)};
  if (!std::string_view(*value).starts_with(prefix)) {
    if (prefix_optional) return {*value, {}};
    return {{}, std::string(name) + " does not start with \"" + std::string(prefix) + "\""};
  }
  return {std::string_view(*value).substr(prefix.size()), {}};
}

VerifyResult VerifyGithub(const VerifySpec& spec, const HttpRequest& request, HmacAlgorithm algorithm,
                          std::string_view header, std::string_view prefix) {
  PrefixedHeader h = ReadPrefixedHeader(request, header, prefix);
  if (!h.reason.empty()) return VerifyResult::Reject(h.reason);
  return CompareHexMac(h.value, Hmac(algorithm, spec.secret, request.body), header);
}

VerifyResult VerifySlack(const VerifySpec& spec, const HttpRequest& request, TimePoint now) {
  static constexpr std::string_view kTimestamp = "X-Slack-Request-Timestamp";
  static constexpr std::string_view kSignature = "X-Slack-Signature";
  const std::string* ts_text = request.Header(kTimestamp);
  if (!ts_text) return VerifyResult::Reject("missing header " + std::string(kTimestamp));
  std::optional<int64_t> ts = ParseUnixSeconds(*ts_text);
  if (!ts) return VerifyResult::Reject("malformed " + std::string(kTimestamp));
  PrefixedHeader h = ReadPrefixedHeader(request, kSignature, "v0=");
  if (!h.reason.empty()) return VerifyResult::Reject(h.reason);
  std::string base = "v0:" + *ts_text + ":" + request.body;
  VerifyResult mac = CompareHexMac(h.value, HmacSha256(spec.secret, base), kSignature);
  if (!mac.ok) return mac;
  return CheckTimestamp(*ts, spec.tolerance, now);
}

struct StripeHeader {
  std::string_view timestamp;
  std::vector<std::string_view> v1;
};

StripeHeader ParseStripeHeader(std::string_view value) {
  StripeHeader parsed;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (item.starts_with("t=") && parsed.timestamp.empty()) parsed.timestamp = item.substr(2);
    if (item.starts_with("v1=")) parsed.v1.push_back(item.substr(3));
  }
  return parsed;
}

VerifyResult VerifyStripe(const VerifySpec& spec, const HttpRequest& request, TimePoint now) {
  static constexpr std::string_view kHeader = "Stripe-Signature";
  const std::string* value = request.Header(kHeader);
  if (!value) return VerifyResult::Reject("missing header " + std::string(kHeader));
  StripeHeader h = ParseStripeHeader(*value);
  std::optional<int64_t> ts = ParseUnixSeconds(h.timestamp);
  if (!ts) return VerifyResult::Reject("missing or malformed t= in " + std::string(kHeader));
  if (h.v1.empty()) return VerifyResult::Reject("no v1 signature in " + std::string(kHeader));
  std::string expected =
      HmacSha256(spec.secret, std::string(h.timestamp) + "." + request.body);
  bool any_match = false;
  for (std::string_view candidate : h.v1) {  // all compared: no early exit on a match
    auto sent = HexDecode(candidate);
    if (sent.ok() && ConstantTimeEquals(*sent, expected)) any_match = true;
  }
  if (!any_match) return VerifyResult::Reject("signature mismatch");
  return CheckTimestamp(*ts, spec.tolerance, now);
}

VerifyResult VerifyHmac(const VerifySpec& spec, const HttpRequest& request) {
  PrefixedHeader h = ReadPrefixedHeader(request, spec.header, spec.prefix, spec.prefix_optional);
  if (!h.reason.empty()) return VerifyResult::Reject(h.reason);
  std::string expected = Hmac(spec.algorithm, spec.secret, request.body);
  if (spec.encoding == MacEncoding::kHex) return CompareHexMac(h.value, expected, spec.header);
  auto sent = Base64Decode(h.value, Base64Alphabet::kStandard);
  if (!sent.ok()) return VerifyResult::Reject("malformed base64 signature in " + spec.header);
  if (!ConstantTimeEquals(*sent, expected)) return VerifyResult::Reject("signature mismatch");
  return VerifyResult::Accept();
}

VerifyResult VerifyToken(const VerifySpec& spec, const HttpRequest& request) {
  std::string_view header = spec.header.empty() ? kDefaultTokenHeader : std::string_view(spec.header);
  const std::string* value = request.Header(header);
  if (!value) return VerifyResult::Reject("missing header " + std::string(header));
  std::string_view token = Trim(*value);
  if (strcasecmp(std::string(header).c_str(), "Authorization") == 0) {
    if (!StartsWithIgnoringCase(token, "Bearer ")) {
      return VerifyResult::Reject("Authorization is not a Bearer token");
    }
    token = Trim(token.substr(7));
  }
  // Comparing MACs of both sides keeps the secret's length out of the timing too.
  bool same = ConstantTimeEquals(HmacSha256(spec.secret, token), HmacSha256(spec.secret, spec.secret));
  return same ? VerifyResult::Accept() : VerifyResult::Reject("token mismatch");
}

VerifyResult VerifySignature(const VerifySpec& spec, const HttpRequest& request, TimePoint now) {
  switch (spec.scheme) {
    case SignatureScheme::kGithub:
      return VerifyGithub(spec, request, HmacAlgorithm::kSha256, "X-Hub-Signature-256", "sha256=");
    case SignatureScheme::kGithubSha1:
      return VerifyGithub(spec, request, HmacAlgorithm::kSha1, "X-Hub-Signature", "sha1=");
    case SignatureScheme::kStripe: return VerifyStripe(spec, request, now);
    case SignatureScheme::kSlack: return VerifySlack(spec, request, now);
    case SignatureScheme::kHmac: return VerifyHmac(spec, request);
    case SignatureScheme::kToken: return VerifyToken(spec, request);
  }
  return VerifyResult::Reject("unknown scheme");
}

VerifyResult CheckClientAddress(const VerifySpec& spec, const HttpRequest& request) {
  if (spec.allow_ips.empty()) return VerifyResult::Accept();
  Result<IpAddress> client = ClientAddress(request, spec.trusted_proxies);
  if (!client.ok()) return VerifyResult::Reject(client.error());
  for (const CidrRange& range : spec.allow_ips) {
    if (range.Contains(*client)) return VerifyResult::Accept();
  }
  return VerifyResult::Reject("client address " + client->ToString() + " not allowed");
}

}  // namespace

VerifyResult VerifyRequest(const VerifySpec& spec, const HttpRequest& request, TimePoint now) {
  VerifyResult address = CheckClientAddress(spec, request);
  if (!address.ok) return address;
  return VerifySignature(spec, request, now);
}

const char* SchemeName(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kGithub: return "github";
    case SignatureScheme::kGithubSha1: return "github-sha1";
    case SignatureScheme::kStripe: return "stripe";
    case SignatureScheme::kSlack: return "slack";
    case SignatureScheme::kHmac: return "hmac";
    case SignatureScheme::kToken: return "token";
  }
  return "?";
}

}  // namespace vigil

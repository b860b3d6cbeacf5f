// Verification of an incoming webhook request against its watcher's `verify:` block: who may send
// (an optional IP allowlist) and how the sender proves it knows the shared secret (a scheme).
//
// Schemes:
//   github       X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>
//   github-sha1  X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)> (GitHub's legacy header)
//   stripe       Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]; v1 is
//                HMAC-SHA256(secret, "<t>.<body>"), any v1 may match (Stripe sends several while a
//                secret is being rolled); v0 is ignored; t must be within `tolerance` of now
//   slack        X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:<ts>:<body>")> with ts from
//                X-Slack-Request-Timestamp, within `tolerance` (default 5 min) of now either way
//   hmac         `header` holds [prefix]<hex|base64 HMAC-<algorithm>(secret, body)>; the prefix
//                may be left out when `prefix_optional` (as adnanh/webhook's payload-hmac-* rules)
//   token        `header` (default X-Vigil-Token) holds the secret itself; if header is
//                Authorization, the value is "Bearer <secret>"
//
// Every comparison with a secret-derived value is constant-time. A VerifyResult's reason is safe
// to log and to return to the sender: it never holds the secret, an expected signature, or the
// signature that was sent. Pure functions over immutable values; any thread may call them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/hmac.h"
#include "common/http/http_types.h"
#include "common/ip_range.h"
#include "common/status.h"

namespace vigil {

enum class SignatureScheme { kGithub, kGithubSha1, kStripe, kSlack, kHmac, kToken };
enum class MacEncoding { kHex, kBase64 };

struct VerifySpec {
  SignatureScheme scheme = SignatureScheme::kGithub;
  std::string secret;  // already resolved from ${ENV} or *_file by the config loader
  std::string header;  // hmac: required; token: empty means X-Vigil-Token
  HmacAlgorithm algorithm = HmacAlgorithm::kSha256;  // hmac
  MacEncoding encoding = MacEncoding::kHex;          // hmac
  std::string prefix;                                // hmac: e.g. "sha256=", required if set
  bool prefix_optional = false;                      // hmac: ... unless this is set
  std::chrono::seconds tolerance{300};               // stripe, slack
  std::vector<CidrRange> allow_ips;        // empty: any client address
  std::vector<CidrRange> trusted_proxies;  // peers whose X-Forwarded-For is believed
};

struct VerifyResult {
  bool ok = false;
  std::string reason;  // empty when ok; otherwise e.g. "signature mismatch"

  static VerifyResult Accept() { return {true, {}}; }
  static VerifyResult Reject(std::string reason) { return {false, std::move(reason)}; }
};

// Checks the client address against allow_ips (if any), then the signature. `now` is the time to
// judge timestamps by (stripe, slack).
VerifyResult VerifyRequest(const VerifySpec& spec, const HttpRequest& request, TimePoint now);

// The name of a scheme as written in the configuration ("github-sha1").
const char* SchemeName(SignatureScheme scheme);

// Reads a `verify:` block (the YAML already converted to JSON). `path` names the block in errors,
// e.g. "watchers[0].verify"; each error names the key path it is about, such as
// `watchers[0].verify.scheme: unknown scheme "gitlab" (expected github, github-sha1, stripe, slack,
// hmac, token)`. Keys: scheme, secret, header, algorithm, encoding, prefix, prefix_optional,
// tolerance_seconds, allow_ips, trusted_proxies; a key unknown, or not used by the scheme, is an error.
Result<VerifySpec> ParseVerifySpec(const nlohmann::json& j, const std::string& path);
// True for `verify: {scheme: none}`: the watcher accepts any request, as its config says on
// purpose (a webhook without `verify` is refused by the config check). `none` with other keys is
// not this; ParseVerifySpec refuses it.
bool AcceptsAnySender(const nlohmann::json& verify);

}  // namespace vigil

#include "sources/webhook/signature.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/hex.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using nlohmann::json;

TimePoint AtUnix(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

json SignatureVectors() {
  return json::parse(testing::ReadFixture("webhooks/signature_vectors.json"));
}

// The fixture names schemes as vigil does, except "hmac-sha256-hex": the generic scheme with the
// header the vector uses.
VerifySpec SpecForVector(const json& vec) {
  std::string scheme = vec["scheme"];
  json config = {{"secret", vec["secret"]}};
  if (scheme == "hmac-sha256-hex") {
    config.update({{"scheme", "hmac"}, {"header", "X-Signature"}, {"algorithm", "sha256"}, {"encoding", "hex"}});
  } else {
    config["scheme"] = scheme;
  }
  auto spec = ParseVerifySpec(config, "vector");
  EXPECT_TRUE(spec.ok()) << spec.error();
  return spec.ok() ? *spec : VerifySpec{};
}

HttpRequest RequestForVector(const json& vec) {
  HttpRequest r;
  r.method = "POST";
  r.body = vec["body"];
  r.remote_addr = "192.0.2.10";
  for (const auto& [name, value] : vec["headers"].items()) r.headers.emplace_back(name, value);
  return r;
}

TEST(SignatureVectors, EveryVectorHasTheExpectedOutcome) {
  json vectors = SignatureVectors();
  ASSERT_GE(vectors.size(), 9u);
  for (const auto& vec : vectors) {
    TimePoint now = AtUnix(vec.value("now", int64_t{1700000000}));
    VerifyResult r = VerifyRequest(SpecForVector(vec), RequestForVector(vec), now);
    EXPECT_EQ(r.ok, vec["valid"].get<bool>()) << vec["scheme"] << " / " << vec["source"] << ": " << r.reason;
    EXPECT_EQ(r.reason.find(vec["secret"].get<std::string>()), std::string::npos);
    if (!vec["valid"].get<bool>()) {
      // The fixture says why each invalid vector fails: a stale timestamp, or a changed body.
      bool stale = vec["source"].get<std::string>().find("outside") != std::string::npos;
      std::string expected = stale ? "timestamp outside tolerance" : "signature mismatch";
      EXPECT_EQ(r.reason.rfind(expected, 0), 0u) << vec["source"] << ": " << r.reason;
    }
  }
}

TEST(SignatureVectors, ValidVectorsFailWithAnotherSecret) {
  for (const auto& vec : SignatureVectors()) {
    if (!vec["valid"].get<bool>()) continue;
    VerifySpec spec = SpecForVector(vec);
    spec.secret += "x";
    VerifyResult r = VerifyRequest(spec, RequestForVector(vec), AtUnix(vec.value("now", int64_t{0})));
    EXPECT_FALSE(r.ok) << vec["source"];
    EXPECT_EQ(r.reason, "signature mismatch") << vec["source"];
  }
}

VerifySpec Spec(SignatureScheme scheme, std::string secret = "s3cret") {
  VerifySpec spec;
  spec.scheme = scheme;
  spec.secret = std::move(secret);
  return spec;
}

HttpRequest Request(std::string body, std::vector<std::pair<std::string, std::string>> headers,
                    std::string remote = "192.0.2.10") {
  HttpRequest r;
  r.method = "POST";
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.remote_addr = std::move(remote);
  return r;
}

std::string GithubHeader(const std::string& secret, const std::string& body) {
  return "sha256=" + HexEncode(HmacSha256(secret, body));
}

TEST(VerifyGithub, AcceptsCorrectSignature) {
  auto req = Request("{}", {{"X-Hub-Signature-256", GithubHeader("s3cret", "{}")}});
  EXPECT_TRUE(VerifyRequest(Spec(SignatureScheme::kGithub), req, AtUnix(0)).ok);
}

TEST(VerifyGithub, AcceptsUpperCaseHex) {
  std::string header = GithubHeader("s3cret", "{}");
  for (size_t i = 7; i < header.size(); ++i) header[i] = char(toupper(header[i]));
  auto req = Request("{}", {{"x-hub-signature-256", header}});
  EXPECT_TRUE(VerifyRequest(Spec(SignatureScheme::kGithub), req, AtUnix(0)).ok);
}

TEST(VerifyGithub, RejectsMissingHeader) {
  auto req = Request("{}", {{"X-Hub-Signature", "sha1=00"}});
  VerifyResult r = VerifyRequest(Spec(SignatureScheme::kGithub), req, AtUnix(0));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "missing header X-Hub-Signature-256");
}

TEST(VerifyGithub, RejectsWrongPrefix) {
  std::string good = GithubHeader("s3cret", "{}");
  auto req = Request("{}", {{"X-Hub-Signature-256", "sha1=" + good.substr(7)}});
  VerifyResult r = VerifyRequest(Spec(SignatureScheme::kGithub), req, AtUnix(0));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "X-Hub-Signature-256 does not start with \"sha256=\"");
}

TEST(VerifyGithub, RejectsMalformedHexWithoutEchoingIt) {
  std::string bad = "sha256=zz" + GithubHeader("s3cret", "{}").substr(9);
  VerifyResult r = VerifyRequest(Spec(SignatureScheme::kGithub),
                                 Request("{}", {{"X-Hub-Signature-256", bad}}), AtUnix(0));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "malformed hex signature in X-Hub-Signature-256");
}

TEST(VerifyGithub, RejectsTruncatedSignature) {
  std::string truncated = GithubHeader("s3cret", "{}").substr(0, 7 + 62);
  VerifyResult r = VerifyRequest(Spec(SignatureScheme::kGithub),
                                 Request("{}", {{"X-Hub-Signature-256", truncated}}), AtUnix(0));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "signature mismatch");
}

TEST(VerifyGithub, ReasonNeverContainsExpectedSignature) {
  std::string expected_hex = GithubHeader("s3cret", "{}").substr(7);
  VerifyResult r = VerifyRequest(Spec(SignatureScheme::kGithub),
                                 Request("{}", {{"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}}),
                                 AtUnix(0));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason.find(expected_hex), std::string::npos);
  EXPECT_EQ(r.reason.find("s3cret"), std::string::npos);
}

// Slack: the documented vector, replayed at various times.
json SlackVector() { return SignatureVectors()[5]; }

TEST(VerifySlack, AcceptsWithinFiveMinutesEitherWay) {
  json vec = SlackVector();
  ASSERT_EQ(vec["scheme"], "slack");
  int64_t ts = 1531420618;
  for (int64_t now : {ts - 300, ts, ts + 300}) {
    EXPECT_TRUE(VerifyRequest(SpecForVector(vec), RequestForVector(vec), AtUnix(now)).ok) << now;
  }
}

TEST(VerifySlack, RejectsReplayOutsideWindow) {
  json vec = SlackVector();
  int64_t ts = 1531420618;
  VerifyResult late = VerifyRequest(SpecForVector(vec), RequestForVector(vec), AtUnix(ts + 412));
  EXPECT_FALSE(late.ok);
  EXPECT_EQ(late.reason, "timestamp outside tolerance (412 s)");
  VerifyResult early = VerifyRequest(SpecForVector(vec), RequestForVector(vec), AtUnix(ts - 301));
  EXPECT_FALSE(early.ok);
  EXPECT_EQ(early.reason, "timestamp outside tolerance (301 s)");
}

TEST(VerifySlack, RejectsTimestampChangedToLookFresh) {
  json vec = SlackVector();
  HttpRequest req = RequestForVector(vec);
  for (auto& [name, value] : req.headers) {
    if (name == "X-Slack-Request-Timestamp") value = "1531421218";
  }
  VerifyResult r = VerifyRequest(SpecForVector(vec), req, AtUnix(1531421218));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "signature mismatch");
}

TEST(VerifySlack, RejectsMissingOrMalformedTimestamp) {
  VerifySpec spec = Spec(SignatureScheme::kSlack);
  VerifyResult missing = VerifyRequest(spec, Request("x", {{"X-Slack-Signature", "v0=00"}}), AtUnix(0));
  EXPECT_EQ(missing.reason, "missing header X-Slack-Request-Timestamp");
  VerifyResult malformed = VerifyRequest(
      spec, Request("x", {{"X-Slack-Signature", "v0=00"}, {"X-Slack-Request-Timestamp", "-5"}}), AtUnix(0));
  EXPECT_EQ(malformed.reason, "malformed X-Slack-Request-Timestamp");
}

std::string StripeV1(const std::string& secret, int64_t t, const std::string& body) {
  return HexEncode(HmacSha256(secret, std::to_string(t) + "." + body));
}

TEST(VerifyStripe, AcceptsAnyOfSeveralV1Signatures) {
  std::string body = R"({"id":"evt_1"})";
  std::string header = "t=1700000000,v1=" + StripeV1("old_secret", 1700000000, body) +
                       ",v1=" + StripeV1("s3cret", 1700000000, body) + ",v0=deadbeef";
  auto req = Request(body, {{"Stripe-Signature", header}});
  EXPECT_TRUE(VerifyRequest(Spec(SignatureScheme::kStripe), req, AtUnix(1700000100)).ok);
}

TEST(VerifyStripe, SkipsMalformedV1AndStillMatchesAnother) {
  std::string body = "{}";
  std::string header = "t=1700000000,v1=not-hex,v1=" + StripeV1("s3cret", 1700000000, body);
  EXPECT_TRUE(VerifyRequest(Spec(SignatureScheme::kStripe), Request(body, {{"Stripe-Signature", header}}),
                            AtUnix(1700000000)).ok);
}

TEST(VerifyStripe, RejectsOutsideTolerance) {
  std::string body = "{}";
  std::string header = "t=1700000000,v1=" + StripeV1("s3cret", 1700000000, body);
  VerifyResult r = VerifyRequest(Spec(SignatureScheme::kStripe), Request(body, {{"Stripe-Signature", header}}),
                                 AtUnix(1700000412));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "timestamp outside tolerance (412 s)");
}

TEST(VerifyStripe, HonoursConfiguredTolerance) {
  std::string body = "{}";
  std::string header = "t=1700000000,v1=" + StripeV1("s3cret", 1700000000, body);
  VerifySpec spec = Spec(SignatureScheme::kStripe);
  spec.tolerance = std::chrono::seconds(600);
  EXPECT_TRUE(VerifyRequest(spec, Request(body, {{"Stripe-Signature", header}}), AtUnix(1700000412)).ok);
}

TEST(VerifyStripe, RejectsHeaderWithoutV1OrTimestamp) {
  VerifySpec spec = Spec(SignatureScheme::kStripe);
  EXPECT_EQ(VerifyRequest(spec, Request("{}", {{"Stripe-Signature", "t=1700000000,v0=abcd"}}), AtUnix(1700000000)).reason,
            "no v1 signature in Stripe-Signature");
  EXPECT_EQ(VerifyRequest(spec, Request("{}", {{"Stripe-Signature", "v1=abcd"}}), AtUnix(1700000000)).reason,
            "missing or malformed t= in Stripe-Signature");
}

TEST(VerifyStripe, SignatureForOtherTimestampDoesNotMatch) {
  std::string body = "{}";
  std::string header = "t=1700000001,v1=" + StripeV1("s3cret", 1700000000, body);
  EXPECT_EQ(VerifyRequest(Spec(SignatureScheme::kStripe), Request(body, {{"Stripe-Signature", header}}),
                          AtUnix(1700000000)).reason,
            "signature mismatch");
}

TEST(VerifyHmac, AcceptsBase64Sha512WithPrefix) {
  VerifySpec spec = Spec(SignatureScheme::kHmac);
  spec.header = "X-Sig";
  spec.algorithm = HmacAlgorithm::kSha512;
  spec.encoding = MacEncoding::kBase64;
  spec.prefix = "sha512=";
  std::string sig = "sha512=" + Base64Encode(HmacSha512("s3cret", "payload"));
  EXPECT_TRUE(VerifyRequest(spec, Request("payload", {{"X-Sig", sig}}), AtUnix(0)).ok);
  EXPECT_FALSE(VerifyRequest(spec, Request("payload!", {{"X-Sig", sig}}), AtUnix(0)).ok);
  VerifyResult no_prefix = VerifyRequest(spec, Request("payload", {{"X-Sig", sig.substr(7)}}), AtUnix(0));
  EXPECT_EQ(no_prefix.reason, "X-Sig does not start with \"sha512=\"");
}

TEST(VerifyHmac, OptionalPrefixMayBeSentOrLeftOut) {
  VerifySpec spec = Spec(SignatureScheme::kHmac);
  spec.header = "X-Sig";
  spec.prefix = "sha256=";
  spec.prefix_optional = true;
  std::string mac = HexEncode(HmacSha256("s3cret", "payload"));
  EXPECT_TRUE(VerifyRequest(spec, Request("payload", {{"X-Sig", "sha256=" + mac}}), AtUnix(0)).ok);
  EXPECT_TRUE(VerifyRequest(spec, Request("payload", {{"X-Sig", mac}}), AtUnix(0)).ok);
  EXPECT_EQ(VerifyRequest(spec, Request("payload", {{"X-Sig", "sha1=" + mac}}), AtUnix(0)).reason,
            "malformed hex signature in X-Sig");
  EXPECT_EQ(VerifyRequest(spec, Request("other", {{"X-Sig", mac}}), AtUnix(0)).reason, "signature mismatch");
}

TEST(VerifyHmac, RejectsMacOfOtherAlgorithm) {
  VerifySpec spec = Spec(SignatureScheme::kHmac);
  spec.header = "X-Sig";
  spec.algorithm = HmacAlgorithm::kSha1;
  EXPECT_TRUE(VerifyRequest(spec, Request("b", {{"X-Sig", HexEncode(HmacSha1("s3cret", "b"))}}), AtUnix(0)).ok);
  EXPECT_FALSE(VerifyRequest(spec, Request("b", {{"X-Sig", HexEncode(HmacSha256("s3cret", "b"))}}), AtUnix(0)).ok);
}

TEST(VerifyToken, AcceptsDefaultHeader) {
  VerifySpec spec = Spec(SignatureScheme::kToken);
  EXPECT_TRUE(VerifyRequest(spec, Request("", {{"X-Vigil-Token", "s3cret"}}), AtUnix(0)).ok);
  VerifyResult wrong = VerifyRequest(spec, Request("", {{"X-Vigil-Token", "s3cre"}}), AtUnix(0));
  EXPECT_EQ(wrong.reason, "token mismatch");
  EXPECT_EQ(VerifyRequest(spec, Request("", {}), AtUnix(0)).reason, "missing header X-Vigil-Token");
}

TEST(VerifyToken, AcceptsBearerWhenHeaderIsAuthorization) {
  VerifySpec spec = Spec(SignatureScheme::kToken);
  spec.header = "Authorization";
  EXPECT_TRUE(VerifyRequest(spec, Request("", {{"authorization", "Bearer s3cret"}}), AtUnix(0)).ok);
  EXPECT_TRUE(VerifyRequest(spec, Request("", {{"Authorization", "bearer s3cret"}}), AtUnix(0)).ok);
  EXPECT_EQ(VerifyRequest(spec, Request("", {{"Authorization", "Basic czNjcmV0"}}), AtUnix(0)).reason,
            "Authorization is not a Bearer token");
  EXPECT_FALSE(VerifyRequest(spec, Request("", {{"Authorization", "s3cret"}}), AtUnix(0)).ok);
}

// IP allowlists.
VerifySpec TokenSpecAllowing(std::vector<std::string> allow, std::vector<std::string> proxies = {}) {
  json config = {{"scheme", "token"}, {"secret", "s3cret"}, {"allow_ips", allow}};
  if (!proxies.empty()) config["trusted_proxies"] = proxies;
  auto spec = ParseVerifySpec(config, "verify");
  EXPECT_TRUE(spec.ok()) << spec.error();
  return *spec;
}

VerifyResult FromAddress(const VerifySpec& spec, std::string peer,
                         std::vector<std::pair<std::string, std::string>> extra = {}) {
  extra.emplace_back("X-Vigil-Token", "s3cret");
  return VerifyRequest(spec, Request("", extra, std::move(peer)), AtUnix(0));
}

TEST(VerifyAllowlist, AllowsAndDeniesIpv4Cidr) {
  VerifySpec spec = TokenSpecAllowing({"192.30.252.0/22", "10.1.2.3"});
  EXPECT_TRUE(FromAddress(spec, "192.30.253.17").ok);
  EXPECT_TRUE(FromAddress(spec, "10.1.2.3").ok);
  VerifyResult denied = FromAddress(spec, "192.30.256.1");
  EXPECT_FALSE(denied.ok);  // not even an address
  VerifyResult outside = FromAddress(spec, "192.30.248.1");
  EXPECT_FALSE(outside.ok);
  EXPECT_EQ(outside.reason, "client address 192.30.248.1 not allowed");
  EXPECT_FALSE(FromAddress(spec, "10.1.2.4").ok);
}

TEST(VerifyAllowlist, AllowsAndDeniesIpv6Cidr) {
  VerifySpec spec = TokenSpecAllowing({"2a0a:a440::/29"});
  EXPECT_TRUE(FromAddress(spec, "2a0a:a447:ffff::1").ok);
  EXPECT_FALSE(FromAddress(spec, "2a0a:a448::1").ok);
  EXPECT_FALSE(FromAddress(spec, "192.0.2.1").ok);
}

TEST(VerifyAllowlist, MatchesIpv4MappedIpv6PeerAgainstIpv4Range) {
  VerifySpec spec = TokenSpecAllowing({"127.0.0.0/8"});
  EXPECT_TRUE(FromAddress(spec, "::ffff:127.0.0.1").ok);
  EXPECT_FALSE(FromAddress(spec, "::1").ok);
}

TEST(VerifyAllowlist, IgnoresForwardedForWithoutTrustedProxies) {
  VerifySpec spec = TokenSpecAllowing({"203.0.113.0/24"});
  EXPECT_FALSE(FromAddress(spec, "198.51.100.7", {{"X-Forwarded-For", "203.0.113.5"}}).ok);
}

TEST(VerifyAllowlist, IgnoresForwardedForFromUntrustedPeer) {
  VerifySpec spec = TokenSpecAllowing({"203.0.113.0/24"}, {"10.0.0.0/8"});
  VerifyResult r = FromAddress(spec, "198.51.100.7", {{"X-Forwarded-For", "203.0.113.5"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "client address 198.51.100.7 not allowed");
}

TEST(VerifyAllowlist, TakesRightMostUntrustedForwardedAddress) {
  VerifySpec spec = TokenSpecAllowing({"203.0.113.0/24"}, {"10.0.0.0/8", "::1"});
  // The client forged the left-most entry; the proxies appended the real one and themselves.
  EXPECT_TRUE(FromAddress(spec, "10.0.0.2", {{"X-Forwarded-For", "198.51.100.66, 203.0.113.5, 10.0.0.9"}}).ok);
  EXPECT_TRUE(FromAddress(spec, "::1", {{"X-Forwarded-For", "203.0.113.5"}}).ok);
  VerifyResult forged = FromAddress(spec, "10.0.0.2", {{"X-Forwarded-For", "203.0.113.5, 198.51.100.66"}});
  EXPECT_FALSE(forged.ok);
  EXPECT_EQ(forged.reason, "client address 198.51.100.66 not allowed");
}

TEST(VerifyAllowlist, JoinsRepeatedForwardedForHeadersInOrder) {
  VerifySpec spec = TokenSpecAllowing({"203.0.113.0/24"}, {"10.0.0.0/8"});
  EXPECT_TRUE(FromAddress(spec, "10.0.0.2",
                          {{"X-Forwarded-For", "198.51.100.66"}, {"x-forwarded-for", "203.0.113.5:4711"}})
                  .ok);
}

TEST(VerifyAllowlist, RejectsMalformedDecidingForwardedEntry) {
  VerifySpec spec = TokenSpecAllowing({"203.0.113.0/24"}, {"10.0.0.0/8"});
  VerifyResult r = FromAddress(spec, "10.0.0.2", {{"X-Forwarded-For", "203.0.113.5, unknown"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "malformed X-Forwarded-For entry");
}

TEST(VerifyAllowlist, CheckedBeforeSignature) {
  VerifySpec spec = TokenSpecAllowing({"203.0.113.0/24"});
  VerifyResult r = VerifyRequest(spec, Request("", {}, "198.51.100.7"), AtUnix(0));
  EXPECT_EQ(r.reason, "client address 198.51.100.7 not allowed");
}

}  // namespace
}  // namespace vigil

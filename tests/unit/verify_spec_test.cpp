#include <gtest/gtest.h>

#include "sources/webhook/signature.h"

namespace vigil {
namespace {

using nlohmann::json;

TEST(ParseVerifySpec, NamesUnknownSchemeAndAlternatives) {
  auto r = ParseVerifySpec(json{{"scheme", "gitlab"}, {"secret", "x"}}, "watchers[0].verify");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "watchers[0].verify.scheme: unknown scheme \"gitlab\" (expected github, github-sha1, "
            "stripe, slack, hmac, token, or none)");
}

TEST(ParseVerifySpec, RequiresSchemeAndSecret) {
  EXPECT_EQ(ParseVerifySpec(json{{"secret", "x"}}, "v").error(), "v.scheme: required");
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "github"}}, "v").error(), "v.secret: required");
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "github"}, {"secret", ""}}, "v").error(),
            "v.secret: must be a non-empty string");
  EXPECT_EQ(ParseVerifySpec(json::array(), "v").error(), "v: must be a mapping");
}

TEST(ParseVerifySpec, ReadsHmacOptions) {
  auto r = ParseVerifySpec(json{{"scheme", "hmac"}, {"secret", "x"}, {"header", "X-Sig"},
                                {"algorithm", "sha512"}, {"encoding", "base64"}, {"prefix", "sha512="}},
                           "v");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->header, "X-Sig");
  EXPECT_EQ(r->algorithm, HmacAlgorithm::kSha512);
  EXPECT_EQ(r->encoding, MacEncoding::kBase64);
  EXPECT_EQ(r->prefix, "sha512=");
}

TEST(ParseVerifySpec, HmacRequiresHeaderAndKnownAlgorithm) {
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "hmac"}, {"secret", "x"}}, "v").error(),
            "v.header: required for scheme hmac");
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "hmac"}, {"secret", "x"}, {"header", "H"}, {"algorithm", "md5"}}, "v")
                .error(),
            "v.algorithm: unknown algorithm \"md5\" (expected sha1, sha256, sha512)");
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "hmac"}, {"secret", "x"}, {"header", "H"}, {"encoding", "b32"}}, "v")
                .error(),
            "v.encoding: unknown encoding \"b32\" (expected hex, base64)");
}

TEST(ParseVerifySpec, RejectsUnknownKeysAndKeysOfOtherSchemes) {
  auto unknown = ParseVerifySpec(json{{"scheme", "github"}, {"secret", "x"}, {"secert", "y"}}, "v");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().rfind("v.secert: unknown key", 0), 0u) << unknown.error();
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "github"}, {"secret", "x"}, {"prefix", "p"}}, "v").error(),
            "v.prefix: not used by scheme github");
}

TEST(ParseVerifySpec, ReadsToleranceAndValidatesIt) {
  auto r = ParseVerifySpec(json{{"scheme", "stripe"}, {"secret", "x"}, {"tolerance_seconds", 60}}, "v");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tolerance, std::chrono::seconds(60));
  EXPECT_EQ(ParseVerifySpec(json{{"scheme", "slack"}, {"secret", "x"}, {"tolerance_seconds", 0}}, "v").error(),
            "v.tolerance_seconds: must be an integer from 1 to 86400");
}

TEST(ParseVerifySpec, PrefixOptionalNeedsABooleanAndAPrefix) {
  json hmac = {{"scheme", "hmac"}, {"secret", "x"}, {"header", "H"}, {"prefix", "sha256="}, {"prefix_optional", true}};
  auto r = ParseVerifySpec(hmac, "v");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->prefix_optional);
  hmac["prefix_optional"] = "yes";
  EXPECT_EQ(ParseVerifySpec(hmac, "v").error(), "v.prefix_optional: must be true or false");
  hmac.erase("prefix");
  hmac["prefix_optional"] = true;
  EXPECT_EQ(ParseVerifySpec(hmac, "v").error(), "v.prefix_optional: needs a prefix");
}

TEST(ParseVerifySpec, NamesBadCidrByIndex) {
  auto r = ParseVerifySpec(json{{"scheme", "token"}, {"secret", "x"}, {"allow_ips", {"10.0.0.0/8", "10.0.0.0/33"}}},
                           "watchers[2].verify");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "watchers[2].verify.allow_ips[1]: invalid CIDR \"10.0.0.0/33\": prefix length 33 out of range 0..32");
}

TEST(ParseVerifySpec, ErrorsNeverContainTheSecret) {
  auto r = ParseVerifySpec(json{{"scheme", "gitlab"}, {"secret", "hunter2"}}, "v");
  EXPECT_EQ(r.error().find("hunter2"), std::string::npos);
  auto r2 = ParseVerifySpec(json{{"scheme", "hmac"}, {"secret", "hunter2"}, {"header", 5}}, "v");
  EXPECT_EQ(r2.error(), "v.header: must be a non-empty string");
}

}  // namespace
}  // namespace vigil

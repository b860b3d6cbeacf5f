// URL parts, the api_key test and secret redaction.
#include "common/http/http_url.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(HttpUrlTest, ParsesSchemeAndLowerCaseHost) {
  auto parts = ParseHttpUrl("HTTPS://EUtils.NCBI.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=pubmed");
  ASSERT_TRUE(parts.ok()) << parts.error();
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->host, "eutils.ncbi.nlm.nih.gov");
}

TEST(HttpUrlTest, RefusesOtherSchemesAndGarbage) {
  EXPECT_FALSE(ParseHttpUrl("ftp://example.org/x").ok());
  EXPECT_FALSE(ParseHttpUrl("gopher://example.org/").ok());
  EXPECT_FALSE(ParseHttpUrl("not a url").ok());
}

TEST(HttpUrlTest, DetectsApiKeyParameter) {
  EXPECT_TRUE(HasApiKey("https://e/x?db=pubmed&api_key=abc"));
  EXPECT_FALSE(HasApiKey("https://e/x?db=pubmed&api_key="));
  EXPECT_FALSE(HasApiKey("https://e/x?my_api_key_note=1"));
  EXPECT_FALSE(HasApiKey("https://e/x#api_key=abc"));
}

TEST(HttpUrlTest, RedactsSecretQueryValuesAndPasswords) {
  EXPECT_EQ(RedactUrlSecrets("https://e/x?db=pubmed&api_key=abc123&term=a"),
            "https://e/x?db=pubmed&api_key=***&term=a");
  EXPECT_EQ(RedactUrlSecrets("https://e/x?token=t&ACCESS_TOKEN=u#frag"), "https://e/x?token=***&ACCESS_TOKEN=***#frag");
  EXPECT_EQ(RedactUrlSecrets("https://bob:hunter2@e/x"), "https://bob:***@e/x");
  EXPECT_EQ(RedactUrlSecrets("https://e/plain?q=1"), "https://e/plain?q=1");
}

}  // namespace
}  // namespace vigil

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/hex.h"
#include "common/hmac.h"

namespace vigil {
namespace {

// RFC 4648 section 10 test vectors.
const std::pair<const char*, const char*> kRfc4648[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (auto [plain, encoded] : kRfc4648) EXPECT_EQ(Base64Encode(plain), encoded) << plain;
}

TEST(Base64, DecodesRfc4648VectorsWithAndWithoutPadding) {
  for (auto [plain, encoded] : kRfc4648) {
    std::string unpadded(encoded);
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    auto padded_result = Base64Decode(encoded);
    auto unpadded_result = Base64Decode(unpadded);
    ASSERT_TRUE(padded_result.ok()) << encoded;
    ASSERT_TRUE(unpadded_result.ok()) << unpadded;
    EXPECT_EQ(*padded_result, plain);
    EXPECT_EQ(*unpadded_result, plain);
  }
}

TEST(Base64, UrlSafeAlphabetUsesDashAndUnderscore) {
  std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(Base64Encode(bytes, Base64Alphabet::kStandard), "+//+");
  EXPECT_EQ(Base64Encode(bytes, Base64Alphabet::kUrlSafe), "-__-");
  EXPECT_EQ(*Base64Decode("-__-", Base64Alphabet::kUrlSafe), bytes);
}

TEST(Base64, RejectsCharactersOfTheOtherAlphabet) {
  EXPECT_FALSE(Base64Decode("-__-", Base64Alphabet::kStandard).ok());
  EXPECT_FALSE(Base64Decode("+//+", Base64Alphabet::kUrlSafe).ok());
}

TEST(Base64, RejectsWhitespaceAndStrayPadding) {
  EXPECT_FALSE(Base64Decode("Zm9v YmFy").ok());
  EXPECT_FALSE(Base64Decode("Zg=a").ok());
  EXPECT_FALSE(Base64Decode("Zg===").ok());
  EXPECT_FALSE(Base64Decode("Zm9vY").ok());  // 4n+1 characters
}

TEST(Base64, ErrorDoesNotEchoInput) {
  auto r = Base64Decode("secret%value");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().find("secret"), std::string::npos);
  EXPECT_NE(r.error().find("offset 6"), std::string::npos);
}

TEST(Hex, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += char(i);
  std::string hex = HexEncode(bytes);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  EXPECT_EQ(*HexDecode(hex), bytes);
}

TEST(Hex, AcceptsUpperCase) { EXPECT_EQ(*HexDecode("ABcd"), std::string("\xab\xcd")); }

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(HexDecode("0x12").ok());
}

// RFC 4231 test case 2 ("Jefe").
TEST(Hmac, MatchesRfc4231TestCase2) {
  const char* data = "what do ya want for nothing?";
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexEncode(HmacSha512("Jefe", data)),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d03"
            "4f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

// RFC 2202 test case 2 for HMAC-SHA1.
TEST(Hmac, MatchesRfc2202Sha1TestCase2) {
  EXPECT_EQ(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Hmac, SizesMatchAlgorithms) {
  EXPECT_EQ(HmacSize(HmacAlgorithm::kSha1), 20u);
  EXPECT_EQ(HmacSize(HmacAlgorithm::kSha256), 32u);
  EXPECT_EQ(HmacSize(HmacAlgorithm::kSha512), 64u);
}

TEST(ConstantTimeEquals, ComparesSizeAndContent) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace vigil

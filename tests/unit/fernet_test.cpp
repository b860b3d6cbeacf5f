#include "jobs/maintenance/fernet.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/hmac.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

using nlohmann::json;
using std::chrono::seconds;

json Vectors() { return json::parse(testing::ReadFixture("fernet_vectors.json")); }

FernetKey VectorKey() {
  auto key = FernetKey::Parse(Vectors()["secret"].get<std::string>());
  EXPECT_TRUE(key.ok()) << key.error();
  return *key;
}

TimePoint AtUnix(int64_t s) { return TimePoint(seconds(s)); }

// The IV is carried in clear at bytes 9..24 of every token.
FernetIv IvOf(const std::string& token) {
  std::string raw = *Base64Decode(token, Base64Alphabet::kUrlSafe);
  FernetIv iv;
  std::copy_n(raw.begin() + 9, 16, iv.begin());
  return iv;
}

TEST(Fernet, DecryptsEveryValidVector) {
  json v = Vectors();
  ASSERT_FALSE(v["valid"].empty());
  for (const auto& vec : v["valid"]) {
    auto plain = FernetDecrypt(VectorKey(), vec["token"].get<std::string>());
    ASSERT_TRUE(plain.ok()) << plain.error();
    EXPECT_EQ(*plain, vec["plaintext"].get<std::string>());
  }
}

TEST(Fernet, EncryptReproducesEveryValidVectorExactly) {
  json v = Vectors();
  ASSERT_FALSE(v["valid"].empty());
  for (const auto& vec : v["valid"]) {
    std::string token = vec["token"];
    std::string made = FernetEncrypt(VectorKey(), vec["plaintext"].get<std::string>(),
                                     AtUnix(vec["timestamp"].get<int64_t>()), IvOf(token));
    EXPECT_EQ(made, token);
  }
}

TEST(Fernet, SpecVectorIvIsZeroToFifteen) {
  // fernet/spec generate.json uses iv = [0..15]; the fixture carries it inside the token.
  FernetIv iv = IvOf(Vectors()["valid"][0]["token"]);
  for (size_t i = 0; i < iv.size(); ++i) EXPECT_EQ(iv[i], i);
}

std::string ExpectedErrorFor(const std::string& desc) {
  if (desc == "incorrect mac") return "MAC mismatch";
  if (desc == "invalid base64") return "invalid base64";
  if (desc == "truncated") return "truncated";
  return "(no expectation for '" + desc + "')";
}

TEST(Fernet, EveryInvalidVectorGivesItsSpecificError) {
  json v = Vectors();
  ASSERT_FALSE(v["invalid"].empty());
  for (const auto& vec : v["invalid"]) {
    std::string desc = vec["desc"];
    auto r = FernetDecrypt(VectorKey(), vec["token"].get<std::string>());
    ASSERT_FALSE(r.ok()) << desc;
    EXPECT_NE(r.error().find(ExpectedErrorFor(desc)), std::string::npos) << desc << ": " << r.error();
  }
}

TEST(Fernet, DecryptAcceptsTokenWithoutPadding) {
  std::string token = Vectors()["valid"][0]["token"];
  while (token.back() == '=') token.pop_back();
  auto r = FernetDecrypt(VectorKey(), token);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r, "hello");
}

TEST(Fernet, RandomIvRoundTripsAndDiffersEachTime) {
  FernetKey key = VectorKey();
  std::string a = FernetEncrypt(key, "the same text", AtUnix(1700000000));
  std::string b = FernetEncrypt(key, "the same text", AtUnix(1700000000));
  EXPECT_NE(a, b);
  EXPECT_EQ(*FernetDecrypt(key, a), "the same text");
  EXPECT_EQ(*FernetDecrypt(key, b), "the same text");
}

TEST(Fernet, RoundTripsEmptyAndBlockSizedPlaintexts) {
  FernetKey key = VectorKey();
  for (std::string plain : {std::string(), std::string(16, 'x'), std::string(1000, 'y')}) {
    auto r = FernetDecrypt(key, FernetEncrypt(key, plain, AtUnix(1700000000)));
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(*r, plain);
  }
}

TEST(Fernet, TtlAcceptsTokenUpToItsAgeLimit) {
  std::string token = FernetEncrypt(VectorKey(), "fresh", AtUnix(1700000000));
  EXPECT_TRUE(FernetDecrypt(VectorKey(), token, seconds(60), AtUnix(1700000060)).ok());
}

TEST(Fernet, TtlRejectsExpiredToken) {
  std::string token = FernetEncrypt(VectorKey(), "stale", AtUnix(1700000000));
  auto r = FernetDecrypt(VectorKey(), token, seconds(60), AtUnix(1700000061));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("expired"), std::string::npos) << r.error();
}

TEST(Fernet, TtlRejectsTokenFromFarFuture) {
  std::string token = FernetEncrypt(VectorKey(), "later", AtUnix(1700000000));
  auto r = FernetDecrypt(VectorKey(), token, seconds(3600), AtUnix(1700000000 - 61));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("future"), std::string::npos) << r.error();
  EXPECT_TRUE(FernetDecrypt(VectorKey(), token, seconds(3600), AtUnix(1700000000 - 60)).ok());
}

TEST(Fernet, WithoutTtlOldTokensStillDecrypt) {
  // The spec vector is from 1985.
  EXPECT_TRUE(FernetDecrypt(VectorKey(), Vectors()["valid"][0]["token"].get<std::string>()).ok());
}

// Re-signs a raw token body with the key's signing half, as an attacker who had it could.
std::string Sign(const FernetKey& key, std::string body) {
  std::string_view signing(reinterpret_cast<const char*>(key.signing_key().data()), 16);
  body += HmacSha256(signing, body);
  return Base64Encode(body, Base64Alphabet::kUrlSafe);
}

std::string RawBodyOf(const std::string& token) {
  std::string raw = *Base64Decode(token, Base64Alphabet::kUrlSafe);
  return raw.substr(0, raw.size() - 32);
}

TEST(Fernet, RejectsUnknownVersion) {
  FernetKey key = VectorKey();
  std::string body = RawBodyOf(Vectors()["valid"][0]["token"]);
  body[0] = char(0x81);
  auto r = FernetDecrypt(key, Sign(key, body));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("unknown version"), std::string::npos) << r.error();
}

TEST(Fernet, RejectsCiphertextNotMultipleOfBlockSize) {
  FernetKey key = VectorKey();
  std::string body = RawBodyOf(Vectors()["valid"][0]["token"]) + "x";
  auto r = FernetDecrypt(key, Sign(key, body));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("multiple of the block size"), std::string::npos) << r.error();
}

TEST(Fernet, RejectsBadPaddingOfAuthenticCiphertext) {
  FernetKey key = VectorKey();
  // One block of 16 x 0x00 encrypted without padding: its last byte 0 is no valid PKCS7 pad.
  unsigned char iv[16] = {}, block[16] = {}, out[32];
  int n = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), nullptr, key.encryption_key().data(), iv);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  EVP_EncryptUpdate(ctx, out, &n, block, 16);
  EVP_CIPHER_CTX_free(ctx);
  ASSERT_EQ(n, 16);
  std::string body(1, char(0x80));
  body += std::string(8, '\0') + std::string(16, '\0');
  body.append(reinterpret_cast<const char*>(out), 16);
  auto r = FernetDecrypt(key, Sign(key, body));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("bad padding"), std::string::npos) << r.error();
}

TEST(Fernet, RejectsTokenMadeWithAnotherKey) {
  auto other = FernetKey::Parse(Base64Encode(std::string(32, 'k'), Base64Alphabet::kUrlSafe));
  ASSERT_TRUE(other.ok());
  auto r = FernetDecrypt(*other, Vectors()["valid"][0]["token"].get<std::string>());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("MAC mismatch"), std::string::npos);
}

TEST(FernetKey, RejectsWrongLengthWithoutEchoingKey) {
  std::string short_key = Base64Encode(std::string(31, 'k'), Base64Alphabet::kUrlSafe);
  auto r = FernetKey::Parse(short_key);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("32 bytes"), std::string::npos);
  EXPECT_EQ(r.error().find(short_key), std::string::npos);
}

TEST(FernetKey, RejectsBadBase64) {
  auto r = FernetKey::Parse("not a key!!");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("base64"), std::string::npos);
  EXPECT_EQ(r.error().find("not a key"), std::string::npos);
}

TEST(FernetKey, RejectsStandardAlphabetKey) {
  // The vector key contains '-' and '_'; its standard-alphabet twin must not parse.
  std::string key = Vectors()["secret"];
  for (char& c : key) c = c == '-' ? '+' : c == '_' ? '/' : c;
  EXPECT_FALSE(FernetKey::Parse(key).ok());
}

TEST(Fernet, ErrorsNeverContainPlaintext) {
  FernetKey key = VectorKey();
  std::string token = FernetEncrypt(key, "very private words", AtUnix(1700000000));
  auto r = FernetDecrypt(key, token, seconds(1), AtUnix(1800000000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().find("private"), std::string::npos);
}

}  // namespace
}  // namespace vigil

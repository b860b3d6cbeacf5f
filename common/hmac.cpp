#include "common/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

namespace vigil {
namespace {

const EVP_MD* DigestOf(HmacAlgorithm algorithm) {
  switch (algorithm) {
    case HmacAlgorithm::kSha1: return EVP_sha1();
    case HmacAlgorithm::kSha256: return EVP_sha256();
    case HmacAlgorithm::kSha512: return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace

std::string Hmac(HmacAlgorithm algorithm, std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // HMAC() fails only if OpenSSL cannot allocate; a MAC we cannot compute must not pass for one.
  if (HMAC(DigestOf(algorithm), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len) == nullptr) {
    std::fputs("vigil: HMAC computation failed\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &md_len, EVP_sha256(), nullptr) != 1) {
    std::fputs("vigil: SHA-256 computation failed\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(md), md_len);
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  return Hmac(HmacAlgorithm::kSha1, key, data);
}
std::string HmacSha256(std::string_view key, std::string_view data) {
  return Hmac(HmacAlgorithm::kSha256, key, data);
}
std::string HmacSha512(std::string_view key, std::string_view data) {
  return Hmac(HmacAlgorithm::kSha512, key, data);
}

size_t HmacSize(HmacAlgorithm algorithm) {
  return static_cast<size_t>(EVP_MD_get_size(DigestOf(algorithm)));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace vigil

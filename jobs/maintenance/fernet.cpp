#include "jobs/maintenance/fernet.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/base64.h"
#include "common/hmac.h"

namespace vigil {
namespace {

constexpr uint8_t kVersion = 0x80;
constexpr size_t kHeaderSize = 1 + 8 + 16;  // version, timestamp, IV
constexpr size_t kMacSize = 32;
constexpr size_t kBlockSize = 16;
constexpr size_t kMinTokenSize = kHeaderSize + kBlockSize + kMacSize;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string_view AsText(const FernetKey::Half& half) {
  return {reinterpret_cast<const char*>(half.data()), half.size()};
}

[[noreturn]] void DieOnCryptoFailure(const char* what) {
  // Only allocation failure gets here with fixed-size keys; carrying on would emit a bad token.
  std::fprintf(stderr, "vigil: fernet: %s failed\n", what);
  std::abort();
}

int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string EncodeTimestamp(int64_t seconds) {
  std::string out(8, '\0');
  uint64_t v = static_cast<uint64_t>(seconds);
  for (int i = 7; i >= 0; --i, v >>= 8) out[size_t(i)] = char(v & 0xFF);
  return out;
}

int64_t DecodeTimestamp(std::string_view eight_bytes) {
  uint64_t v = 0;
  for (unsigned char c : eight_bytes) v = (v << 8) | c;
  return static_cast<int64_t>(v);
}

std::string AesCbcEncrypt(const FernetKey& key, const FernetIv& iv, std::string_view plaintext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(plaintext.size() + kBlockSize, '\0');
  int n = 0, tail = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, key.encryption_key().data(),
                                 iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst, &n, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + n, &tail) != 1) {
    DieOnCryptoFailure("AES-128-CBC encryption");
  }
  out.resize(size_t(n + tail));
  return out;
}

// Decrypts an authenticated ciphertext; the only expected failure is a bad PKCS7 padding.
Result<std::string> AesCbcDecrypt(const FernetKey& key, std::string_view iv, std::string_view ciphertext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, key.encryption_key().data(),
                                 reinterpret_cast<const unsigned char*>(iv.data())) != 1) {
    DieOnCryptoFailure("AES-128-CBC initialisation");
  }
  std::string out(ciphertext.size() + kBlockSize, '\0');
  int n = 0, tail = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecryptUpdate(ctx.get(), dst, &n, reinterpret_cast<const unsigned char*>(ciphertext.data()),
                        static_cast<int>(ciphertext.size())) != 1) {
    DieOnCryptoFailure("AES-128-CBC decryption");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), dst + n, &tail) != 1) {
    return Status::Error("fernet token: bad padding");
  }
  out.resize(size_t(n + tail));
  return out;
}

Status CheckAge(int64_t issued, std::chrono::seconds ttl, TimePoint now) {
  int64_t now_s = UnixSeconds(now);
  if (issued > now_s + kFernetMaxClockSkew.count()) {
    return Status::Error("fernet token: timestamp in the future");
  }
  if (now_s - issued > ttl.count()) return Status::Error("fernet token: expired");
  return Status::Ok();
}

}  // namespace

Result<FernetKey> FernetKey::Parse(std::string_view urlsafe_base64) {
  auto bytes = Base64Decode(urlsafe_base64, Base64Alphabet::kUrlSafe);
  if (!bytes.ok()) return Status::Error("fernet key: invalid urlsafe base64");
  if (bytes->size() != 32) {
    return Status::Error("fernet key: must decode to 32 bytes, got " + std::to_string(bytes->size()));
  }
  Half signing, encryption;
  std::copy_n(bytes->begin(), 16, signing.begin());
  std::copy_n(bytes->begin() + 16, 16, encryption.begin());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return FernetKey(signing, encryption);
}

Result<std::string> FernetDecrypt(const FernetKey& key, std::string_view token,
                                  std::optional<std::chrono::seconds> ttl, TimePoint now) {
  auto decoded = Base64Decode(token, Base64Alphabet::kUrlSafe);
  if (!decoded.ok()) return Status::Error("fernet token: invalid base64");
  std::string_view data = *decoded;
  if (data.size() < kMinTokenSize) {
    return Status::Error("fernet token: truncated (" + std::to_string(data.size()) +
                         " bytes, a token has at least " + std::to_string(kMinTokenSize) + ")");
  }
  if (static_cast<uint8_t>(data[0]) != kVersion) return Status::Error("fernet token: unknown version");
  std::string_view signed_part = data.substr(0, data.size() - kMacSize);
  std::string_view mac = data.substr(data.size() - kMacSize);
  if (!ConstantTimeEquals(HmacSha256(AsText(key.signing_key()), signed_part), mac)) {
    return Status::Error("fernet token: MAC mismatch");
  }
  std::string_view ciphertext = signed_part.substr(kHeaderSize);
  if (ciphertext.size() % kBlockSize != 0) {
    return Status::Error("fernet token: ciphertext length is not a multiple of the block size");
  }
  if (ttl) {
    if (Status age = CheckAge(DecodeTimestamp(data.substr(1, 8)), *ttl, now); !age.ok()) return age;
  }
  return AesCbcDecrypt(key, data.substr(9, 16), ciphertext);
}

std::string FernetEncrypt(const FernetKey& key, std::string_view plaintext, TimePoint now,
                          const FernetIv& iv) {
  std::string token(1, char(kVersion));
  token += EncodeTimestamp(UnixSeconds(now));
  token.append(reinterpret_cast<const char*>(iv.data()), iv.size());
  token += AesCbcEncrypt(key, iv, plaintext);
  token += HmacSha256(AsText(key.signing_key()), token);
  return Base64Encode(token, Base64Alphabet::kUrlSafe, /*pad=*/true);
}

std::string FernetEncrypt(const FernetKey& key, std::string_view plaintext, TimePoint now) {
  FernetIv iv;
  if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) DieOnCryptoFailure("RAND_bytes");
  return FernetEncrypt(key, plaintext, now, iv);
}

}  // namespace vigil

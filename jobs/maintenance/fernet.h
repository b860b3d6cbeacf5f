// Fernet (https://github.com/fernet/spec): authenticated symmetric tokens. The platform stores
// message content Fernet-encrypted; context-backup coverage reads it with the key it is given.
//
// Token layout (urlsafe base64 of): version 0x80 | timestamp (8 bytes, big endian, Unix seconds) |
// IV (16) | AES-128-CBC ciphertext with PKCS7 padding | HMAC-SHA256 (32) of everything before it.
// The HMAC is checked, in constant time, before anything is decrypted.
//
// Pure functions over an immutable key; any thread may call them. No error message ever contains
// the key, the plaintext or the token.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vigil {

class FernetKey {
 public:
  using Half = std::array<uint8_t, 16>;

  // Parses the urlsafe base64 text of 32 bytes (padding optional): 16 signing, 16 encryption.
  // Errors: invalid base64, or a decoded length other than 32.
  static Result<FernetKey> Parse(std::string_view urlsafe_base64);

  const Half& signing_key() const { return signing_; }
  const Half& encryption_key() const { return encryption_; }

 private:
  FernetKey(const Half& signing, const Half& encryption) : signing_(signing), encryption_(encryption) {}
  Half signing_;
  Half encryption_;
};

using FernetIv = std::array<uint8_t, 16>;

// Tokens from the future beyond this much are refused when a TTL is checked (the spec's skew).
inline constexpr std::chrono::seconds kFernetMaxClockSkew{60};

// Decrypts a token (padding optional). If `ttl` is set, a token older than ttl at `now`, or dated
// more than kFernetMaxClockSkew after `now`, is refused; `now` is unused otherwise. Distinct errors:
// "invalid base64", "truncated", "unknown version", "MAC mismatch", "ciphertext length ...",
// "bad padding", "expired", "timestamp in the future" (each prefixed "fernet token: ").
Result<std::string> FernetDecrypt(const FernetKey& key, std::string_view token,
                                  std::optional<std::chrono::seconds> ttl = std::nullopt,
                                  TimePoint now = std::chrono::system_clock::now());

// Encrypts with the given IV; for test vectors. Returns the padded urlsafe base64 token.
std::string FernetEncrypt(const FernetKey& key, std::string_view plaintext, TimePoint now,
                          const FernetIv& iv);

// Encrypts with a fresh random IV from RAND_bytes (aborts if the CSPRNG fails: a predictable IV
// must never be used).
std::string FernetEncrypt(const FernetKey& key, std::string_view plaintext, TimePoint now);

}  // namespace vigil

// HMAC over OpenSSL, and the constant-time comparison every MAC check must use. Shared by inbound
// webhook verification, Fernet, and the outbound-delivery signer. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

enum class HmacAlgorithm { kSha1, kSha256, kSha512 };

// The raw MAC bytes (20, 32 or 64 of them).
std::string Hmac(HmacAlgorithm algorithm, std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha512(std::string_view key, std::string_view data);

// The SHA-256 digest of `data` (32 raw bytes).
std::string Sha256(std::string_view data);

// Size of the MAC the algorithm produces, in bytes.
size_t HmacSize(HmacAlgorithm algorithm);

// True if a and b hold the same bytes. Sizes are compared first (a MAC's size is public); the
// contents are compared with CRYPTO_memcmp, so the time taken does not depend on where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace vigil

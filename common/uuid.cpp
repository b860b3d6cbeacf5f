#include "common/uuid.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdint>
#include <cctype>
#include <mutex>

namespace vigil {
namespace {

// RFC 9562 method 1: within one millisecond a 12-bit counter follows the timestamp, so ids made
// by this process sort in creation order (keyset pagination relies on it).
void NextTimestampAndCounter(uint64_t* ms, uint16_t* counter) {
  static std::mutex mu;
  static uint64_t last_ms = 0;
  static uint16_t last_counter = 0;
  std::lock_guard<std::mutex> lock(mu);
  uint64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (now > last_ms) {
    last_ms = now;
    last_counter = 0;
  } else if (++last_counter > 0x0fff) {
    ++last_ms;  // counter exhausted: borrow the next millisecond
    last_counter = 0;
  }
  *ms = last_ms;
  *counter = last_counter;
}

}  // namespace

std::string NewUuid(UuidForm form) {
  uint8_t b[16];
  RAND_bytes(b, sizeof b);
  uint64_t ms;
  uint16_t counter;
  NextTimestampAndCounter(&ms, &counter);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((counter >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(counter & 0xff);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  std::string out;
  out.reserve(36);
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (form == UuidForm::kHyphenated && (i == 4 || i == 6 || i == 8 || i == 10)) out.push_back('-');
    out.push_back(kDigits[b[i] >> 4]);
    out.push_back(kDigits[b[i] & 0x0f]);
  }
  return out;
}

std::optional<std::string> UuidIn(std::string_view text, UuidForm form) {
  std::string hex;
  if (text.size() == 36) {
    for (size_t i = 0; i < text.size(); ++i) {
      bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
      if ((text[i] == '-') != dash_here) return std::nullopt;
      if (!dash_here) hex.push_back(text[i]);
    }
  } else if (text.size() == 32) {
    hex = text;
  } else {
    return std::nullopt;
  }
  for (char& c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (form == UuidForm::kHex) return hex;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string HyphenatedUuidsToHex(std::string_view text) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool starts_word = i == 0 || !word(text[i - 1]);
    if (starts_word && i + 36 <= text.size() && (i + 36 == text.size() || !word(text[i + 36]))) {
      if (auto hex = UuidIn(text.substr(i, 36), UuidForm::kHex)) {
        out += *hex;
        i += 36;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

}  // namespace vigil

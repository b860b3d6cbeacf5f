#include "common/base64.h"

#include <array>
#include <cstdint>

namespace vigil {
namespace {

constexpr std::string_view kStandardChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlSafeChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string_view CharsOf(Base64Alphabet alphabet) {
  return alphabet == Base64Alphabet::kUrlSafe ? kUrlSafeChars : kStandardChars;
}

// Maps a character to its 6-bit value, or -1 if it is not in the alphabet.
std::array<int8_t, 256> DecodeTable(Base64Alphabet alphabet) {
  std::array<int8_t, 256> table;
  table.fill(-1);
  std::string_view chars = CharsOf(alphabet);
  for (size_t i = 0; i < chars.size(); ++i) table[static_cast<unsigned char>(chars[i])] = int8_t(i);
  return table;
}

// Strips correct trailing padding; returns false if the padding is malformed.
bool StripPadding(std::string_view& text) {
  size_t pad = 0;
  while (pad < text.size() && pad < 3 && text[text.size() - 1 - pad] == '=') ++pad;
  if (pad == 0) return true;
  if (pad > 2 || text.size() % 4 != 0) return false;
  text.remove_suffix(pad);
  return true;
}

}  // namespace

std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet, bool pad) {
  std::string_view chars = CharsOf(alphabet);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += chars[(n >> shift) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
  if (rest == 2) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
  out += chars[(n >> 18) & 63];
  out += chars[(n >> 12) & 63];
  if (rest == 2) out += chars[(n >> 6) & 63];
  if (pad) out.append(3 - rest, '=');
  return out;
}

Result<std::string> Base64Decode(std::string_view text, Base64Alphabet alphabet) {
  static const std::array<int8_t, 256> kStandardTable = DecodeTable(Base64Alphabet::kStandard);
  static const std::array<int8_t, 256> kUrlSafeTable = DecodeTable(Base64Alphabet::kUrlSafe);
  const auto& table = alphabet == Base64Alphabet::kUrlSafe ? kUrlSafeTable : kStandardTable;
  if (!StripPadding(text)) return Status::Error("invalid base64 padding");
  if (text.size() % 4 == 1) return Status::Error("invalid base64 length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int nbits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int8_t v = table[static_cast<unsigned char>(text[i])];
    if (v < 0) return Status::Error("invalid base64 character at offset " + std::to_string(i));
    bits = (bits << 6) | uint32_t(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += char((bits >> nbits) & 0xFF);
    }
  }
  return out;
}

}  // namespace vigil

// Eight bytes at a time (SWAR): the text loops of the parsers see every byte of every document,
// and most of those bytes are plain ASCII words, which these tests let a loop pass over a word
// (eight bytes) per step instead of a byte. Header-only; pure.
#pragma once

#include <cstdint>
#include <cstring>

namespace vigil::ascii_words {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// The eight bytes at `p` (unaligned), first byte in the low bits.
inline uint64_t Load(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// 0x80 in each byte of `word` that equals `value`, 0 elsewhere (exact: no false positives).
inline uint64_t BytesEqual(uint64_t word, uint8_t value) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  uint64_t x = word ^ (0x0101010101010101ULL * value);
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

inline bool AllAscii(uint64_t word) { return (word & kHighBits) == 0; }

// Whether the eight bytes can be copied as they are by a loop that collapses whitespace: no
// whitespace other than single spaces, and none at either end (what lies beyond is not known
// here). Tab, LF, CR and, when `form_feed`, FF count as whitespace.
inline bool JoinsWordsBySingleSpaces(uint64_t word, bool form_feed) {
  uint64_t other = BytesEqual(word, '\t') | BytesEqual(word, '\n') | BytesEqual(word, '\r') |
                   (form_feed ? BytesEqual(word, '\f') : 0);
  uint64_t spaces = BytesEqual(word, ' ');
  return other == 0 && (spaces & (spaces >> 8)) == 0 && (spaces & 0x80) == 0 && (spaces >> 56) == 0;
}

}  // namespace vigil::ascii_words

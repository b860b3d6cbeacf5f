// Eight bytes at a time (SWAR): the text loops of the parsers see every byte of every document,
// and most of those bytes are plain ASCII words, which these tests let a loop pass over a word
// (eight bytes) per step instead of a byte. Header-only; pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

// How many of the 16 bytes at `p` a whitespace-collapsing loop can copy as they are: the
// longest prefix of non-whitespace bytes and single spaces that are followed, inside the block,
// by a byte that is neither whitespace nor `stop` nor `stop2` (0: none). A space first in the
// block counts only when `space_first_ok` (the caller knows what came before it). Whitespace is
// space, tab, LF, CR and, when `form_feed`, FF. 16 at once with SSE2; otherwise 8 or nothing.
inline size_t CopyablePrefix16(const char* p, bool form_feed, char stop, bool space_first_ok, char stop2 = 0) {
#ifdef __SSE2__
  __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto equal = [block](char c) {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(c))));
  };
  unsigned spaces = equal(' ');
  unsigned other = equal('\t') | equal('\n') | equal('\r') | (form_feed ? equal('\f') : 0u) |
                   (stop != 0 ? equal(stop) : 0u) | (stop2 != 0 ? equal(stop2) : 0u);
  unsigned stops = other | (spaces & ((spaces | other) >> 1)) | (spaces & 0x8000u) |
                   (space_first_ok ? 0u : spaces & 1u) | 0x10000u;
  return static_cast<size_t>(__builtin_ctz(stops));
#else
  uint64_t word = Load(p);
  bool copyable = JoinsWordsBySingleSpaces(word, form_feed) &&
                  (stop == 0 || BytesEqual(word, static_cast<uint8_t>(stop)) == 0) &&
                  (stop2 == 0 || BytesEqual(word, static_cast<uint8_t>(stop2)) == 0);
  (void)space_first_ok;  // JoinsWordsBySingleSpaces never takes a space first
  return copyable ? 8 : 0;
#endif
}

// CopyablePrefix16 over 64 bytes (0..64), for long runs of prose: one step covers four blocks,
// where the 16-byte loop waits on each block's result before loading the next. Without SSE2,
// CopyablePrefix16 of the first block.
inline size_t CopyablePrefix64(const char* p, bool form_feed, char stop, bool space_first_ok) {
#ifdef __SSE2__
  uint64_t spaces = 0, other = 0;
  for (int block = 0; block < 4; ++block) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * block));
    auto equal = [bytes](char c) {
      return static_cast<uint64_t>(
          static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c)))));
    };
    spaces |= equal(' ') << (16 * block);
    other |= (equal('\t') | equal('\n') | equal('\r') | (form_feed ? equal('\f') : 0u) |
              (stop != 0 ? equal(stop) : 0u))
             << (16 * block);
  }
  uint64_t stops = other | (spaces & ((spaces | other) >> 1)) | (spaces & (uint64_t{1} << 63)) |
                   (space_first_ok ? 0u : spaces & 1u);
  return stops == 0 ? 64 : static_cast<size_t>(__builtin_ctzll(stops));
#else
  return CopyablePrefix16(p, form_feed, stop, space_first_ok);
#endif
}

// Position of the first of the bytes `a`, `b`, `c` in text[from...], or npos; 16 bytes a step
// inline (the same byte may be given twice).
inline size_t FindAnyOf3(std::string_view text, size_t from, char a, char b, char c) {
#ifdef __SSE2__
  const __m128i wanted_a = _mm_set1_epi8(a);
  const __m128i wanted_b = _mm_set1_epi8(b);
  const __m128i wanted_c = _mm_set1_epi8(c);
  for (; from + 16 <= text.size(); from += 16) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
    __m128i hits = _mm_or_si128(
        _mm_cmpeq_epi8(block, wanted_a),
        _mm_or_si128(_mm_cmpeq_epi8(block, wanted_b), _mm_cmpeq_epi8(block, wanted_c)));
    if (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits))) {
      return from + static_cast<size_t>(__builtin_ctz(mask));
    }
  }
#endif
  for (; from < text.size(); ++from) {
    char x = text[from];
    if (x == a || x == b || x == c) return from;
  }
  return std::string_view::npos;
}

// Position of the first `c` in text[from...], or npos. Markup bytes ('<', '&') are often a few
// dozen bytes apart, where a call to memchr per hit costs more than the search: the next 32
// bytes are looked at inline, and memchr (wider steps) takes longer stretches.
inline size_t FindByte(std::string_view text, size_t from, char c) {
#ifdef __SSE2__
  const __m128i wanted = _mm_set1_epi8(c);
  for (size_t end = from + 32; from + 16 <= text.size() && from < end; from += 16) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
    if (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, wanted)))) {
      return from + static_cast<size_t>(__builtin_ctz(mask));
    }
  }
#endif
  return text.find(c, from);
}

}  // namespace vigil::ascii_words

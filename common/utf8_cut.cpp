#include "common/utf8_cut.h"

#include <cstdint>
#include <cstring>

namespace vigil {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length a lead byte announces (2 to 4), or 1 for ASCII and bytes that lead nothing.
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xC0 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  return 1;
}

struct Sequence {
  size_t begin;
  size_t end;
};

// The sequence that `pos` (0 < pos < size) falls strictly inside, if any: a lead byte at most
// three bytes back, continuation bytes from it up to `pos`, and a length that reaches past `pos`.
// A continuation byte with no such lead is a character of its own, so `pos` is a boundary.
bool InsideSequence(std::string_view text, size_t pos, Sequence* out) {
  if (!IsContinuation(static_cast<unsigned char>(text[pos]))) return false;
  size_t floor = pos >= 3 ? pos - 3 : 0;
  for (size_t p = pos; p-- > floor;) {
    auto c = static_cast<unsigned char>(text[p]);
    if (IsContinuation(c)) continue;
    size_t length = SequenceLength(c);
    if (p + length <= pos) return false;
    *out = {p, p + length};
    return true;
  }
  return false;
}

}  // namespace

size_t Utf8PrefixLength(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  Sequence s;
  return max_bytes > 0 && InsideSequence(text, max_bytes, &s) ? s.begin : max_bytes;
}

size_t Utf8SuffixStart(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return 0;
  size_t start = text.size() - max_bytes;
  Sequence s;
  return InsideSequence(text, start, &s) ? std::min(s.end, text.size()) : start;
}

std::string_view CutUtf8(std::string_view text, size_t max_bytes) { return text.substr(0, Utf8PrefixLength(text, max_bytes)); }

void TruncateUtf8(std::string& text, size_t max_bytes) { text.resize(Utf8PrefixLength(text, max_bytes)); }

std::string_view Utf8Tail(std::string_view text, size_t max_bytes) { return text.substr(Utf8SuffixStart(text, max_bytes)); }

std::string ShortenUtf8(std::string_view text, size_t max_bytes, std::string_view mark) {
  if (text.size() <= max_bytes) return std::string(text);
  std::string out(CutUtf8(text, max_bytes));
  out.append(mark);
  return out;
}

namespace {

// The length of the well-formed sequence at text[i], or 0 when the bytes there are ill-formed;
// `*maximal` is then the length of the maximal subpart (at least 1) that one U+FFFD replaces.
size_t WellFormedAt(std::string_view text, size_t i, size_t* maximal) {
  auto at = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0x00; };
  unsigned char c = at(i);
  size_t length = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte (Table 3-7 of the standard)
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) length = 2;
  else if (c >= 0xE0 && c <= 0xEF) length = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4) length = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  *maximal = 1;
  if (length == 0) return 0;
  for (size_t k = 1; k < length; ++k) {
    unsigned char b = at(i + k);
    bool ok = k == 1 ? (b >= lo && b <= hi) : IsContinuation(b);
    if (!ok || i + k >= text.size()) return 0;
    *maximal = k + 1;
  }
  return length;
}

}  // namespace

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {  // ASCII runs, eight bytes at a time: most text from outside
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t maximal = 0;
    size_t n = WellFormedAt(text, i, &maximal);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  size_t copied = 0;  // text[copied, i) is valid and not yet in `out`
  size_t i = 0;
  while (i < text.size()) {
    size_t maximal = 0;
    size_t n = WellFormedAt(text, i, &maximal);
    if (n > 0) {
      i += n;
      continue;
    }
    if (out.empty()) out.reserve(text.size() + 8);
    out.append(text.substr(copied, i - copied)).append("\xEF\xBF\xBD");
    i += maximal;
    copied = i;
  }
  if (copied == 0) return std::string(text);
  return out.append(text.substr(copied));
}

}  // namespace vigil

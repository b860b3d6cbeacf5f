// UTF-8 text from outside, the two things done to it: cutting it to a byte budget without
// splitting a character (the one helper every bound goes through: summaries, titles, log records,
// error texts, prompts), and making it valid (ValidUtf8, IsUtf8 at the end of this header: what
// the store does to every event's text, and the literature parsers to theirs).
//
// A cut lands on a code-point boundary: when the budget ends inside a multi-byte sequence, the
// whole sequence is left out (a prefix) or skipped (a tail), never half of it. Invalid input is
// cut sanely: a byte that belongs to no sequence (a stray continuation byte, a lead byte whose
// sequence is already broken) counts as a character of its own, so the work per cut is bounded
// (at most three bytes are looked at around the cut) and the result is never shorter than a
// valid reading of the input allows. The functions are pure; any thread may call them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil {

// The length of the longest prefix of `text` of at most `max_bytes` bytes that ends on a
// character boundary (text.size() when the whole text fits).
size_t Utf8PrefixLength(std::string_view text, size_t max_bytes);

// The offset where the longest suffix of `text` of at most `max_bytes` bytes that starts on a
// character boundary begins (0 when the whole text fits).
size_t Utf8SuffixStart(std::string_view text, size_t max_bytes);

// `text` cut to at most `max_bytes` bytes on a character boundary.
std::string_view CutUtf8(std::string_view text, size_t max_bytes);

// Cuts `text` in place to at most `max_bytes` bytes on a character boundary.
void TruncateUtf8(std::string& text, size_t max_bytes);

// The last at most `max_bytes` bytes of `text`, starting on a character boundary.
std::string_view Utf8Tail(std::string_view text, size_t max_bytes);

// `text` unchanged when it fits `max_bytes`; else cut to `max_bytes` on a character boundary and
// `mark` appended (so the result may exceed `max_bytes` by the mark's length).
std::string ShortenUtf8(std::string_view text, size_t max_bytes, std::string_view mark = "\u2026");

// `text` with every stretch of bytes that is not UTF-8 (a stray continuation byte, a sequence cut
// short, an overlong form, a surrogate, a code point past U+10FFFF) replaced by U+FFFD, one per
// maximal ill-formed subsequence as Unicode recommends (section 3.9, "U+FFFD substitution of
// maximal subparts"). Valid text comes back unchanged. For text from outside that must be stored
// in a text column (PostgreSQL refuses what is not UTF-8) or written as strict JSON.
std::string ValidUtf8(std::string_view text);
// Whether `text` is UTF-8 already (what ValidUtf8 would return unchanged).
bool IsUtf8(std::string_view text);

}  // namespace vigil

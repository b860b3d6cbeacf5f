// Splitting texts into provider requests that respect both an item cap and a token cap.
// Tokens are estimated, not counted: one token per 4 bytes of UTF-8, rounded up (the usual rule
// of thumb for English with BPE tokenizers; a cap set with some headroom absorbs the error).
//
// Threads: pure functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

size_t EstimateTokens(std::string_view text);

// `text` cut to at most `max_tokens` estimated tokens, on a UTF-8 character boundary.
std::string TruncateToTokens(std::string_view text, size_t max_tokens);

// Consecutive runs [begin, end) of `token_counts`: each holds at most `max_items` entries and at
// most `max_tokens` tokens, except that a single entry larger than `max_tokens` is a run alone.
struct BatchRange {
  size_t begin = 0;
  size_t end = 0;
};
std::vector<BatchRange> PlanBatches(const std::vector<size_t>& token_counts, size_t max_items, size_t max_tokens);

}  // namespace vigil

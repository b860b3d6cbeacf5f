// "Did you mean ...?": the candidate nearest to a mistyped word, for unknown verbs, flags, config
// keys and values from a fixed set. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// The edit distance (insert, delete, substitute, swap of neighbours) between a and b, ASCII
// case-insensitive; at most 64 characters of each are compared.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate with the smallest distance to `word`, when it is close enough to be a typo
// (distance at most 1 for short words, 2 from 5 characters, 3 from 9) or `word` is a prefix of
// exactly one candidate. Ties go to the first candidate.
std::optional<std::string> Nearest(std::string_view word, const std::vector<std::string>& candidates);

// ` (did you mean "x"?)` or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace vigil

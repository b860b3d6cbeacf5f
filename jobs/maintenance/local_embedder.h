// The built-in local embedding provider: deterministic feature hashing, so vigil can fill an
// embedding column offline (tests, air-gapped installs, a baseline before a real model).
// Features are the lower-cased words of the text (weight 1) and the character trigrams of each
// word padded with '#' (weight 0.5); each feature hashes (FNV-1a, 64 bit) to a slot and a sign,
// and the vector is L2-normalised. The same text always gives the same vector, on any machine.
//
// Threads: pure functions; any thread.
#pragma once

#include <string_view>
#include <vector>

namespace vigil {

// A vector of `dimensions` floats (all zero for a text without letters or digits).
std::vector<float> LocalHashEmbedding(std::string_view text, int dimensions);

}  // namespace vigil

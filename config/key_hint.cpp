#include "config/key_hint.h"

#include <algorithm>
#include <cctype>

namespace vigil {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

size_t EditDistance(const std::string& a, const std::string& b) {
  // Optimal string alignment: Levenshtein plus the swap of two neighbours ("qurey" -> "query").
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string NearestKey(const std::string& key, const std::vector<std::string>& valid) {
  std::string lower = Lower(key);
  std::string best;
  size_t best_distance = 0;
  for (const auto& candidate : valid) {
    size_t distance = EditDistance(lower, Lower(candidate));
    if (best.empty() || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best.empty()) return "";
  // A typo is a few edits of a word long enough to have them: "qurey" (1), "listn" (1),
  // "max_body" (a part of "max_body_bytes"), never "a" for "x".
  size_t allowed = std::max<size_t>(1, std::min<size_t>(3, lower.size() / 3));
  if (best_distance <= allowed && best_distance < lower.size()) return best;
  for (const auto& candidate : valid) {
    std::string c = Lower(candidate);
    if (lower.size() >= 4 && (c.find(lower) != std::string::npos || lower.find(c) != std::string::npos)) return candidate;
  }
  return "";
}

std::string UnknownKeyMessage(const std::string& key, const std::vector<std::string>& valid) {
  std::string list;
  for (const auto& k : valid) list += (list.empty() ? "" : ", ") + k;
  std::string nearest = NearestKey(key, valid);
  std::string hint = nearest.empty() ? "" : "did you mean \"" + nearest + "\"? ";
  if (valid.empty()) return "unknown key (this block takes no keys)";
  return "unknown key (" + hint + "valid keys: " + list + ")";
}

}  // namespace vigil

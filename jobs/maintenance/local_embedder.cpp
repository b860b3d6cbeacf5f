#include "jobs/maintenance/local_embedder.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

namespace vigil {
namespace {

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

void AddFeature(std::string_view feature, float weight, std::vector<float>* v) {
  uint64_t h = Fnv1a(feature);
  size_t slot = static_cast<size_t>(h % v->size());
  (*v)[slot] += (h >> 63) ? -weight : weight;
}

// Bytes >= 0x80 are kept as word characters, so UTF-8 words are not split mid-character.
bool IsWordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

void AddWord(const std::string& word, std::vector<float>* v) {
  AddFeature("w:" + word, 1.0f, v);
  std::string padded = "#" + word + "#";
  for (size_t i = 0; i + 3 <= padded.size(); ++i) AddFeature("g:" + padded.substr(i, 3), 0.5f, v);
}

}  // namespace

std::vector<float> LocalHashEmbedding(std::string_view text, int dimensions) {
  std::vector<float> v(static_cast<size_t>(dimensions > 0 ? dimensions : 1), 0.0f);
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    unsigned char c = i < text.size() ? static_cast<unsigned char>(text[i]) : ' ';
    if (IsWordByte(c)) {
      word.push_back(static_cast<char>(std::tolower(c)));
    } else if (!word.empty()) {
      AddWord(word, &v);
      word.clear();
    }
  }
  double norm = 0;
  for (float x : v) norm += double(x) * x;
  if (norm > 0) {
    float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v) x *= scale;
  }
  return v;
}

}  // namespace vigil

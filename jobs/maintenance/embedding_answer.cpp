#include "jobs/maintenance/embedding_answer.h"

#include <simdjson.h>

#include <cstring>

#include "common/base64.h"

namespace vigil {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// `value`'s numbers (or base64 float32 bytes) into `out`, sized once; false on anything else.
bool ReadVector(element value, std::vector<float>* out) {
  if (value.type() == element_type::STRING) {
    auto v = Float32sFromBase64(std::string_view(value));
    if (!v) return false;
    *out = std::move(*v);
    return true;
  }
  simdjson::dom::array numbers;
  if (value.get_array().get(numbers) != simdjson::SUCCESS || numbers.size() == 0) return false;
  out->resize(numbers.size());
  float* at = out->data();
  for (element x : numbers) {
    double d = 0;
    if (x.get_double().get(d) != simdjson::SUCCESS) return false;  // integers are read as doubles too
    *at++ = static_cast<float>(d);
  }
  return true;
}

// The array under `key` in `body` when it holds `expected` items, or nullopt; valid until the
// thread's next call (the parser is reused).
std::optional<simdjson::dom::array> ListOf(std::string_view body, const char* key, size_t expected) {
  thread_local simdjson::dom::parser parser;
  element root;
  simdjson::dom::array list;
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root) != simdjson::SUCCESS ||
      root[key].get_array().get(list) != simdjson::SUCCESS || list.size() != expected) {
    return std::nullopt;
  }
  return list;
}

}  // namespace

std::optional<std::vector<std::vector<float>>> ReadOpenAiVectors(std::string_view body, size_t expected) {
  auto data = ListOf(body, "data", expected);
  if (!data) return std::nullopt;
  std::vector<std::vector<float>> out(expected);
  size_t position = 0;
  for (element item : *data) {
    uint64_t index = position++;
    auto given = item["index"];
    if (given.error() == simdjson::SUCCESS && given.get_uint64().get(index) != simdjson::SUCCESS) return std::nullopt;
    element embedding;
    if (index >= expected || !out[index].empty() || item["embedding"].get(embedding) != simdjson::SUCCESS) return std::nullopt;
    if (!ReadVector(embedding, &out[index])) return std::nullopt;
  }
  return out;
}

std::optional<std::vector<std::vector<float>>> ReadOllamaVectors(std::string_view body, size_t expected) {
  auto embeddings = ListOf(body, "embeddings", expected);
  if (!embeddings) return std::nullopt;
  std::vector<std::vector<float>> out(expected);
  size_t i = 0;
  for (element e : *embeddings) {
    if (!ReadVector(e, &out[i++])) return std::nullopt;
  }
  return out;
}

std::optional<std::vector<float>> Float32sFromBase64(std::string_view text) {
  auto bytes = Base64Decode(text);
  if (!bytes.ok() || bytes->empty() || bytes->size() % sizeof(float) != 0) return std::nullopt;
  std::vector<float> v(bytes->size() / sizeof(float));
  std::memcpy(v.data(), bytes->data(), bytes->size());  // little-endian hosts only (x86-64, arm64)
  return v;
}

}  // namespace vigil

// Reading an embedding provider's JSON answer straight into float vectors with simdjson, without
// a JSON tree of 1536 numbers per input (building one cost several times a fast provider's own
// time). Each call returns nullopt when the answer is not valid JSON or has another shape than
// expected; the provider then reads it with its tree reader, which says what is wrong.
//
// Threads: any; each thread keeps its own parser (reused, so its buffers are allocated once).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace vigil {

// OpenAI's `{"data": [{"index": i, "embedding": [numbers] or "base64"}, ...]}`: `expected`
// vectors, placed by index (in order when there is none).
std::optional<std::vector<std::vector<float>>> ReadOpenAiVectors(std::string_view body, size_t expected);

// Ollama's `{"embeddings": [[numbers], ...]}`: `expected` vectors, in order.
std::optional<std::vector<std::vector<float>>> ReadOllamaVectors(std::string_view body, size_t expected);

// An embedding sent as base64 (encoding_format: base64): little-endian float32 bytes.
std::optional<std::vector<float>> Float32sFromBase64(std::string_view text);

}  // namespace vigil

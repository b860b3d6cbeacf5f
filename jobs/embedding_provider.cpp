#include "jobs/embedding_provider.h"

#include <charconv>
#include <cstring>
#include <chrono>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "jobs/local_embedder.h"

namespace vigil {
namespace {

class LocalProvider final : public EmbeddingProvider {
 public:
  explicit LocalProvider(const EmbeddingProviderConfig& c) : model_(c.model), dimensions_(c.dimensions) {}
  EmbedOutcome Embed(const std::vector<std::string>& texts, const CancelToken*) override {
    EmbedOutcome out;
    out.vectors.reserve(texts.size());
    for (const auto& t : texts) out.vectors.push_back(LocalHashEmbedding(t, dimensions_));
    return out;
  }
  const std::string& model() const override { return model_; }

 private:
  std::string model_;
  int dimensions_;
};

// An embedding sent as base64 (encoding_format: base64): little-endian float32 bytes.
std::optional<Vector> FromBase64(std::string_view text) {
  auto bytes = Base64Decode(text);
  if (!bytes.ok() || bytes->empty() || bytes->size() % sizeof(float) != 0) return std::nullopt;
  Vector v(bytes->size() / sizeof(float));
  std::memcpy(v.data(), bytes->data(), bytes->size());  // little-endian hosts only (x86-64, arm64)
  return v;
}

Result<Vector> ToVector(const nlohmann::json& array) {
  if (array.is_string()) {
    auto v = FromBase64(array.get<std::string>());
    if (!v) return Status::Error("an embedding is a string but not base64 float32 bytes");
    return std::move(*v);
  }
  if (!array.is_array() || array.empty()) return Status::Error("an embedding is not a non-empty array of numbers");
  Vector v;
  v.reserve(array.size());
  for (const auto& x : array) {
    if (!x.is_number()) return Status::Error("an embedding holds a non-number");
    v.push_back(x.get<float>());
  }
  return v;
}

// Both HTTP providers: POST a JSON body, read a JSON answer.
class HttpProvider : public EmbeddingProvider {
 public:
  HttpProvider(const EmbeddingProviderConfig& c, HttpClient* http) : config_(c), http_(http) {}
  const std::string& model() const override { return config_.model; }

  EmbedOutcome Embed(const std::vector<std::string>& texts, const CancelToken* cancel) override {
    EmbedOutcome out;
    if (http_ == nullptr) return Fail("no HTTP client");
    auto encode_start = std::chrono::steady_clock::now();
    HttpClientRequest request;
    request.method = "POST";
    request.url = Url();
    request.body = Body(texts).dump();
    request.timeout = config_.timeout;
    request.retry_non_idempotent = true;  // embedding the same texts twice is harmless
    request.headers.push_back({"Content-Type", "application/json"});
    if (!config_.api_key.empty()) request.headers.push_back({"Authorization", "Bearer " + config_.api_key});
    auto encoded = std::chrono::steady_clock::now();
    auto response = http_->Send(request, cancel);
    auto decode_start = std::chrono::steady_clock::now();
    if (!response.ok()) return Fail(response.error());
    out.http_status = response->status;
    out.retry_after = response->retry_after;
    if (response->status != 200) {
      out.error = "HTTP " + std::to_string(response->status) + " from " + request.url + ": " + response->body.substr(0, 300);
      return out;
    }
    if (auto fast = FastVectors(response->body, texts.size())) {
      out.vectors = std::move(*fast);
      out.codec_seconds = std::chrono::duration<double>(encoded - encode_start + std::chrono::steady_clock::now() - decode_start).count();
      return out;
    }
    auto parsed = nlohmann::json::parse(response->body, nullptr, false);
    if (parsed.is_discarded()) return Fail("the provider's answer is not JSON");
    auto vectors = Vectors(parsed);
    if (!vectors.ok()) return Fail(vectors.error());
    if (vectors->size() != texts.size()) {
      return Fail("asked for " + std::to_string(texts.size()) + " embeddings, got " + std::to_string(vectors->size()));
    }
    out.vectors = std::move(*vectors);
    out.codec_seconds = std::chrono::duration<double>(encoded - encode_start + std::chrono::steady_clock::now() - decode_start).count();
    return out;
  }

 protected:
  virtual std::string Url() const = 0;
  virtual nlohmann::json Body(const std::vector<std::string>& texts) const = 0;
  virtual Result<std::vector<Vector>> Vectors(const nlohmann::json& answer) const = 0;
  // A faster reading of a well-formed answer, or nullopt to use Vectors.
  virtual std::optional<std::vector<Vector>> FastVectors(std::string_view, size_t) const { return std::nullopt; }

  static EmbedOutcome Fail(std::string error) {
    EmbedOutcome out;
    out.error = std::move(error);
    return out;
  }

  EmbeddingProviderConfig config_;
  HttpClient* http_;
};

// The OpenAI answer's vectors without building a JSON tree: each `"embedding":[...]` (numbers read
// with from_chars) or `"embedding":"..."` (base64 float32 bytes) with the `"index"` of its object. A tree of 1536 JSON numbers per input
// costs several times the provider's own time on a fast server. nullopt when the answer has
// another shape (the tree parser then decides).
std::optional<std::vector<Vector>> ScanOpenAiVectors(std::string_view body, size_t expected) {
  std::vector<Vector> out(expected);
  size_t at = 0, found = 0;
  while ((at = body.find("\"embedding\"", at)) != std::string_view::npos) {
    size_t colon = body.find_first_not_of(" \t\r\n", at + 11);
    if (colon == std::string_view::npos || body[colon] != ':') {  // "object": "embedding" is a value, not the key
      at += 11;
      continue;
    }
    size_t value = body.find_first_not_of(" \t\r\n", colon + 1);
    bool base64 = value != std::string_view::npos && body[value] == '"';
    size_t open = base64 ? value : body.find('[', colon);
    size_t object = body.rfind('{', at);
    size_t index_at = body.find("\"index\"", object);
    size_t close = body.find(base64 ? '"' : ']', open + 1);
    if (open == std::string_view::npos || close == std::string_view::npos || object == std::string_view::npos) return std::nullopt;
    size_t index = found;
    if (index_at != std::string_view::npos && index_at < body.find('}', close)) {
      size_t digits = body.find_first_of("0123456789", index_at);
      if (std::from_chars(body.data() + digits, body.data() + body.size(), index).ec != std::errc()) return std::nullopt;
    }
    if (index >= expected || !out[index].empty()) return std::nullopt;
    if (base64) {
      auto v = FromBase64(body.substr(open + 1, close - open - 1));
      if (!v) return std::nullopt;
      out[index] = std::move(*v);
      ++found;
      at = close;
      continue;
    }
    const char* p = body.data() + open + 1;
    const char* end = body.data() + close;
    while (p < end) {
      while (p < end && (*p == ' ' || *p == ',' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
      if (p == end) break;
      float x = 0;
      auto r = std::from_chars(p, end, x);
      if (r.ec != std::errc()) return std::nullopt;
      out[index].push_back(x);
      p = r.ptr;
    }
    if (out[index].empty()) return std::nullopt;
    ++found;
    at = close;
  }
  if (found != expected) return std::nullopt;
  return out;
}

// OpenAI and compatible servers (vLLM, LiteLLM, llama.cpp, LM Studio...): data[i].embedding,
// placed by data[i].index (the order is documented but the index is what is promised).
class OpenAiProvider final : public HttpProvider {
 public:
  using HttpProvider::HttpProvider;

 private:
  std::string Url() const override { return config_.base_url + "/embeddings"; }
  std::optional<std::vector<Vector>> FastVectors(std::string_view body, size_t expected) const override {
    return ScanOpenAiVectors(body, expected);
  }
  nlohmann::json Body(const std::vector<std::string>& texts) const override {
    nlohmann::json body = {{"model", config_.model}, {"input", texts}, {"encoding_format", config_.encoding_format}};
    if (config_.dimensions > 0) body["dimensions"] = config_.dimensions;
    return body;
  }
  Result<std::vector<Vector>> Vectors(const nlohmann::json& answer) const override {
    if (!answer.contains("data") || !answer["data"].is_array()) return Status::Error("the answer has no data list");
    std::vector<Vector> out(answer["data"].size());
    for (size_t i = 0; i < answer["data"].size(); ++i) {
      const auto& item = answer["data"][i];
      size_t index = item.contains("index") && item["index"].is_number_unsigned() ? item["index"].get<size_t>() : i;
      if (index >= out.size()) return Status::Error("an embedding's index is out of range");
      auto v = ToVector(item.value("embedding", nlohmann::json()));
      if (!v.ok()) return v.status();
      out[index] = std::move(*v);
    }
    return out;
  }
};

class OllamaProvider final : public HttpProvider {
 public:
  using HttpProvider::HttpProvider;

 private:
  std::string Url() const override { return config_.base_url + "/api/embed"; }
  nlohmann::json Body(const std::vector<std::string>& texts) const override {
    return {{"model", config_.model}, {"input", texts}, {"truncate", true}};
  }
  Result<std::vector<Vector>> Vectors(const nlohmann::json& answer) const override {
    if (!answer.contains("embeddings") || !answer["embeddings"].is_array()) return Status::Error("the answer has no embeddings list");
    std::vector<Vector> out;
    for (const auto& e : answer["embeddings"]) {
      auto v = ToVector(e);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<EmbeddingProvider> MakeEmbeddingProvider(const EmbeddingProviderConfig& config, HttpClient* http) {
  if (config.kind == "openai") return std::make_unique<OpenAiProvider>(config, http);
  if (config.kind == "ollama") return std::make_unique<OllamaProvider>(config, http);
  return std::make_unique<LocalProvider>(config);
}

}  // namespace vigil

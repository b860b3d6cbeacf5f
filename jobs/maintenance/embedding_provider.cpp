#include "jobs/maintenance/embedding_provider.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "jobs/maintenance/embedding_answer.h"
#include "jobs/maintenance/local_embedder.h"

namespace vigil {
namespace {

class LocalProvider final : public EmbeddingProvider {
 public:
  explicit LocalProvider(const EmbeddingProviderConfig& c) : model_(c.model), dimensions_(c.dimensions) {}
  EmbedAnswer Request(const std::vector<std::string>& texts, const CancelToken*) override {
    EmbedAnswer answer;
    answer.expected = texts.size();
    answer.outcome.vectors.reserve(texts.size());
    for (const auto& t : texts) answer.outcome.vectors.push_back(LocalHashEmbedding(t, dimensions_));
    return answer;
  }
  EmbedOutcome Decode(EmbedAnswer answer) const override { return std::move(answer.outcome); }
  const std::string& model() const override { return model_; }

 private:
  std::string model_;
  int dimensions_;
};

Result<Vector> ToVector(const nlohmann::json& array) {
  if (array.is_string()) {
    auto v = Float32sFromBase64(array.get<std::string>());
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

  EmbedAnswer Request(const std::vector<std::string>& texts, const CancelToken* cancel) override {
    EmbedAnswer answer;
    answer.expected = texts.size();
    EmbedOutcome& out = answer.outcome;
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
    out.codec_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - encode_start).count();
    auto response = http_->Send(request, cancel);
    if (!response.ok()) return Fail(response.error());
    out.http_status = response->status;
    out.retry_after = response->retry_after;
    if (response->status != 200) {
      out.error = "HTTP " + std::to_string(response->status) + " from " + request.url + ": " + std::string(CutUtf8(response->body, 300));
      return answer;
    }
    answer.body = std::move(response->body);
    return answer;
  }

  EmbedOutcome Decode(EmbedAnswer answer) const override {
    EmbedOutcome out = std::move(answer.outcome);
    if (!out.ok() || answer.body.empty()) return out;
    auto decode_start = std::chrono::steady_clock::now();
    auto done = [&out, decode_start]() -> EmbedOutcome {
      out.codec_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - decode_start).count();
      return std::move(out);
    };
    if (auto fast = FastVectors(answer.body, answer.expected)) {
      out.vectors = std::move(*fast);
      return done();
    }
    auto parsed = ParseJsonOrDiscarded(answer.body);
    if (parsed.is_discarded()) return Failed(std::move(out), "the provider's answer is not JSON");
    auto vectors = Vectors(parsed);
    if (!vectors.ok()) return Failed(std::move(out), vectors.error());
    if (vectors->size() != answer.expected) {
      return Failed(std::move(out), "asked for " + std::to_string(answer.expected) + " embeddings, got " + std::to_string(vectors->size()));
    }
    out.vectors = std::move(*vectors);
    return done();
  }

 protected:
  virtual std::string Url() const = 0;
  virtual nlohmann::json Body(const std::vector<std::string>& texts) const = 0;
  virtual Result<std::vector<Vector>> Vectors(const nlohmann::json& answer) const = 0;
  // A faster reading of a well-formed answer (embedding_answer.h), or nullopt to use Vectors.
  virtual std::optional<std::vector<Vector>> FastVectors(std::string_view, size_t) const { return std::nullopt; }

  static EmbedAnswer Fail(std::string error) {
    EmbedAnswer answer;
    answer.outcome.error = std::move(error);
    return answer;
  }
  // An answer that came back 200 but cannot be read: the HTTP status stays, so it is not taken
  // for the provider refusing the inputs.
  static EmbedOutcome Failed(EmbedOutcome out, std::string error) {
    out.error = std::move(error);
    return out;
  }

  EmbeddingProviderConfig config_;
  HttpClient* http_;
};

// OpenAI and compatible servers (vLLM, LiteLLM, llama.cpp, LM Studio...): data[i].embedding,
// placed by data[i].index (the order is documented but the index is what is promised).
class OpenAiProvider final : public HttpProvider {
 public:
  using HttpProvider::HttpProvider;

 private:
  std::string Url() const override { return config_.base_url + "/embeddings"; }
  std::optional<std::vector<Vector>> FastVectors(std::string_view body, size_t expected) const override {
    return ReadOpenAiVectors(body, expected);
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
  std::optional<std::vector<Vector>> FastVectors(std::string_view body, size_t expected) const override {
    return ReadOllamaVectors(body, expected);
  }
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

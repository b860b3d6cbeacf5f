// EmbeddingProvider: turns a batch of texts into vectors, one per text, in order. Three kinds:
// an OpenAI-compatible `POST {base_url}/embeddings`, Ollama's `POST {base_url}/api/embed`, and a
// built-in local provider (local_embedder.h) that needs no network.
//
// Threads: one provider per job run; Embed blocks (HTTP through the shared HttpClient, whose
// rate limits, retries of 429/5xx and Retry-After apply to the whole batch, so retried items
// stay batched).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"
#include "jobs/embedding_config.h"
#include "sources/http/http_client.h"

namespace vigil {

using Vector = std::vector<float>;

struct EmbedOutcome {
  std::vector<Vector> vectors;  // one per input, when ok()
  std::string error;            // "" on success
  int http_status = 0;          // the provider's answer when it was an HTTP error
  // Set when the provider asked to wait longer than the HTTP client would: stop and come back.
  std::optional<std::chrono::seconds> retry_after;
  // Of the call's time, what vigil spent building the request and decoding the answer (the
  // rest is the transfer and the provider), so benchmarks can tell the two apart.
  double codec_seconds = 0;
  bool ok() const { return error.empty(); }
  // The provider refused these inputs (4xx other than 429): splitting the batch finds the culprit.
  bool refused_inputs() const { return http_status >= 400 && http_status < 500 && http_status != 429; }
};

class EmbeddingProvider {
 public:
  virtual ~EmbeddingProvider() = default;
  virtual EmbedOutcome Embed(const std::vector<std::string>& texts, const CancelToken* cancel) = 0;
  // The model name recorded with each vector.
  virtual const std::string& model() const = 0;
};

// The provider for a config; `http` (not owned) must outlive it and may be null for "local".
std::unique_ptr<EmbeddingProvider> MakeEmbeddingProvider(const EmbeddingProviderConfig& config, HttpClient* http);

}  // namespace vigil

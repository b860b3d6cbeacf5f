// EmbeddingProvider: turns a batch of texts into vectors, one per text, in order. Three kinds:
// an OpenAI-compatible `POST {base_url}/embeddings`, Ollama's `POST {base_url}/api/embed`, and a
// built-in local provider (local_embedder.h) that needs no network.
//
// Threads: one provider per job run; Request blocks (HTTP through the shared HttpClient, whose
// rate limits, retries of 429/5xx and Retry-After apply to the whole batch, so retried items
// stay batched).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "common/status.h"
#include "jobs/maintenance/embedding_config.h"

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

// What a provider answered, before decoding: an HTTP provider's 200 body, still to be read into
// vectors (Decode), or else the outcome itself (an error; the local provider's vectors).
struct EmbedAnswer {
  EmbedOutcome outcome;
  std::string body;     // "" unless still to be decoded
  size_t expected = 0;  // how many inputs were sent
};

class EmbeddingProvider {
 public:
  virtual ~EmbeddingProvider() = default;
  // Sends the texts and returns the answer undecoded: the part that waits on the provider.
  virtual EmbedAnswer Request(const std::vector<std::string>& texts, const CancelToken* cancel) = 0;
  // Reads an answer from Request into vectors (or an error). Touches no state Request uses, so
  // one thread may decode an answer while another sends the next request.
  virtual EmbedOutcome Decode(EmbedAnswer answer) const = 0;
  // The model name recorded with each vector.
  virtual const std::string& model() const = 0;
};

// The provider for a config; `http` (not owned) must outlive it and may be null for "local".
std::unique_ptr<EmbeddingProvider> MakeEmbeddingProvider(const EmbeddingProviderConfig& config, HttpClient* http);

}  // namespace vigil

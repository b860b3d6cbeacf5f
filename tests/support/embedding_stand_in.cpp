#include "tests/support/embedding_stand_in.h"

#include <nlohmann/json.hpp>

#include "jobs/maintenance/local_embedder.h"

namespace vigil::testsupport {

std::optional<std::vector<std::string>> EmbeddingRequestTexts(const HttpRequest& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (req.path != "/v1/embeddings" || body.is_discarded() || !body.is_object() || !body["input"].is_array()) return std::nullopt;
  std::vector<std::string> texts;
  for (const auto& input : body["input"]) {
    if (!input.is_string()) return std::nullopt;
    texts.push_back(input.get<std::string>());
  }
  return texts;
}

ScriptedAnswer AnswerEmbeddings(const HttpRequest& req, int dims, uint64_t delay_ms) {
  auto texts = EmbeddingRequestTexts(req);
  if (!texts) return {HttpResponse::Json(400, R"({"error":"bad request"})")};
  nlohmann::json data = nlohmann::json::array();
  for (size_t i = 0; i < texts->size(); ++i) {
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", LocalHashEmbedding((*texts)[i], dims)}});
  }
  return {HttpResponse::Json(200, nlohmann::json{{"object", "list"}, {"data", data}}.dump()), delay_ms};
}

}  // namespace vigil::testsupport

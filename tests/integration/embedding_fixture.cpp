#include "tests/integration/embedding_fixture.h"

#include "common/base64.h"
#include "tests/support/platform_db.h"

namespace vigil::testing {

void EmbeddingWorld::Exec(const std::string& sql) {
  auto s = conn_->ExecScript(sql);
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << sql;
}

void EmbeddingWorld::CreateMessages(int rows, const std::string& text_prefix) {
  Status s = CreateMessageTables(*conn_);
  ASSERT_TRUE(s.ok()) << s.message();
  s = InsertMessages(*conn_, rows, text_prefix);
  ASSERT_TRUE(s.ok()) << s.message();
}

EmbeddingBackfillConfig EmbeddingWorld::OpenAiConfig(const std::string& model) {
  EmbeddingBackfillConfig c;
  c.enabled = true;
  c.provider.kind = "openai";
  c.provider.base_url = Url("/v1");
  c.provider.model = model;
  c.provider.api_key = "sk-test";
  c.provider.batch_size = 16;
  c.page_size = 50;
  c.targets.push_back(DefaultMessagesTarget());
  return c;
}

BackfillSummary EmbeddingWorld::Run(const EmbeddingBackfillConfig& config, const CancelToken* cancel) {
  auto provider = MakeEmbeddingProvider(config.provider, &http_);
  BackfillRun run;
  run.cancel = cancel;
  return RunEmbeddingBackfill(config, *conn_, *conn_, *provider, run);
}

std::vector<size_t> EmbeddingWorld::ItemsPerRequest() {
  std::vector<size_t> out;
  for (const auto& a : Arrivals("/v1/embeddings")) {
    auto body = nlohmann::json::parse(a.body, nullptr, false);
    out.push_back(body.is_discarded() ? 0 : body["input"].size());
  }
  return out;
}

HttpResponse EmbeddingWorld::Embeddings(const HttpRequest& req) {
  int n = ++seen_;
  if (cancel_on_request_ != nullptr && n == cancel_at_) cancel_on_request_->Cancel();
  if (n == garble_at_) return HttpResponse::Json(200, R"({"object":"list","data":[{"object":"embedding","index":0,"embed)");
  if (throttle_first_.load() > 0) {
    --throttle_first_;
    HttpResponse r = HttpResponse::Json(429, R"({"error":{"message":"Rate limit reached"}})");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body["input"].is_array()) return HttpResponse::Json(400, R"({"error":"bad body"})");
  nlohmann::json data = nlohmann::json::array();
  for (size_t i = 0; i < body["input"].size(); ++i) {
    std::string text = body["input"][i].get<std::string>();
    if (text.find(poison_) != std::string::npos) return HttpResponse::Json(400, R"({"error":{"message":"invalid input"}})");
    std::vector<float> v = LocalHashEmbedding(text, 8);
    nlohmann::json embedding = v;
    if (body.value("encoding_format", "float") == "base64") {  // little-endian float32 bytes, as OpenAI sends them
      embedding = Base64Encode(std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
    }
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", embedding}});
  }
  return HttpResponse::Json(200, nlohmann::json{{"object", "list"}, {"data", data}, {"model", body["model"]}}.dump());
}

}  // namespace vigil::testing

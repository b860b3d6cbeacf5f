#include "tests/integration/embedding_fixture.h"

#include <cstdio>

namespace vigil::testing {

std::string EmbeddingWorld::RowId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", n);
  return buf;
}

void EmbeddingWorld::Exec(const std::string& sql) {
  auto s = conn_->ExecScript(sql);
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << sql;
}

void EmbeddingWorld::CreateMessages(int rows, const std::string& text_prefix) {
  std::string id = pg() ? "UUID" : "TEXT";
  std::string ts = pg() ? "TIMESTAMP" : "DATETIME";
  Exec("CREATE TABLE messages (id " + id + " PRIMARY KEY, conversation_id " + id +
       ", agent_name VARCHAR(100), agent_model VARCHAR(100), role VARCHAR(20), content TEXT NOT NULL, sequence_number INTEGER, "
       "round_number INTEGER, turn_index INTEGER, health_score FLOAT, coherence_score FLOAT, relevance_score FLOAT, "
       "has_citations BOOLEAN, citations_verified BOOLEAN, tokens_used INTEGER, response_time_ms INTEGER, metadata " +
       std::string(pg() ? "JSONB" : "JSON") + ", created_at " + ts + " NOT NULL)");
  Exec("CREATE TABLE message_embeddings (id " + id + " PRIMARY KEY, message_id " + id +
       " NOT NULL REFERENCES messages(id) ON DELETE CASCADE, embedding " + std::string(pg() ? "REAL[]" : "BLOB") +
       ", embedding_model VARCHAR(100), embedding_version VARCHAR(50), embedded_text TEXT, created_at " + ts + " NOT NULL)");
  Exec("CREATE INDEX idx_message_embeddings_message ON message_embeddings (message_id)");
  ASSERT_TRUE(conn_->Begin().ok());
  for (int i = 1; i <= rows; ++i) {
    auto r = conn_->Query("INSERT INTO messages (id, role, content, sequence_number, created_at) VALUES ($1, 'agent', $2, $3, $4)",
                          {RowId(i), text_prefix + " " + std::to_string(i) + (i % 7 == 0 ? " with a much longer tail of words" : ""),
                           int64_t(i), std::string("2024-12-04 10:00:00")});
    ASSERT_TRUE(r.ok()) << r.error();
  }
  ASSERT_TRUE(conn_->Commit().ok());
}

EmbeddingBackfillConfig EmbeddingWorld::OpenAiConfig(const std::string& model) {
  EmbeddingBackfillConfig c;
  c.enabled = true;
  c.provider.kind = "openai";
  c.provider.base_url = Base() + "/v1";
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
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", LocalHashEmbedding(text, 8)}});
  }
  return HttpResponse::Json(200, nlohmann::json{{"object", "list"}, {"data", data}, {"model", body["model"]}}.dump());
}

}  // namespace vigil::testing

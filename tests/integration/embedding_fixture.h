// The embedding_backfill tests' world: a real database with the platform tables the seeds
// describe (messages and message_embeddings of seeds/001, user_memories of seeds/004,
// synthesis_memories of seeds/000), vigil's migrations, and a local server standing in for an
// OpenAI-compatible provider that counts requests and items per request.
#pragma once

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/http/curl_http_client.h"
#include "jobs/maintenance/embedding_backfill_job.h"
#include "jobs/maintenance/local_embedder.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"
#include "tests/support/wal_syncs.h"

namespace vigil::testing {

class EmbeddingWorld : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    StartStandIn();
    CountWalSyncs();  // before any connection opens
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    Serve("/v1/embeddings", [this](const HttpRequest& req) { return Embeddings(req); });
  }

  bool pg() const { return std::string(GetParam()) == "postgres"; }
  // "00000000-0000-0000-0000-000000000042": a UUID on PostgreSQL, text on SQLite, sorted by n.
  static std::string RowId(int n) { return MessageRowId(n); }

  // Creates messages (all of seeds/001's columns) and message_embeddings, `rows` messages.
  void CreateMessages(int rows, const std::string& text_prefix = "message about topic");
  void Exec(const std::string& sql);
  int64_t Count(const std::string& sql) { return conn_->Query(sql)->rows[0].Int(0); }

  // The default target through the provider stand-in.
  EmbeddingBackfillConfig OpenAiConfig(const std::string& model = "text-embedding-3-small");
  BackfillSummary Run(const EmbeddingBackfillConfig& config, const CancelToken* cancel = nullptr);

  // Provider stand-in: item counts per request, in arrival order.
  std::vector<size_t> ItemsPerRequest();
  // How many requests get 429 (with Retry-After: 1) before the provider answers; inputs that
  // contain `poison_` get 400.
  std::atomic<int> throttle_first_{0};
  std::string poison_ = "POISON";
  // Request number `garble_at_` (1-based) gets a 200 whose body is cut short (not JSON).
  int garble_at_ = 0;
  // Cancels this token when the provider sees request number `cancel_at_` (1-based).
  CancelToken* cancel_on_request_ = nullptr;
  int cancel_at_ = 0;

  TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  CurlHttpClient http_{HttpClientOptions{.host_limits = {}}};

 private:
  HttpResponse Embeddings(const HttpRequest& req);
  std::atomic<int> seen_{0};
};

}  // namespace vigil::testing

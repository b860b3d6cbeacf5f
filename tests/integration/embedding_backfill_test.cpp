// embedding_backfill against a local stand-in for an OpenAI-compatible provider, on SQLite and
// PostgreSQL with the seeds' messages / message_embeddings tables.
#include <gtest/gtest.h>

#include "jobs/maintenance/maintenance_kinds.h"
#include "jobs/maintenance/vector_column.h"
#include "sources/watcher_checks.h"
#include "tests/integration/embedding_fixture.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::EmbeddingWorld;

class EmbeddingBackfill : public EmbeddingWorld {};

TEST_P(EmbeddingBackfill, EmbedsEveryMessageInBatchesOfTheItemCap) {
  CreateMessages(120);
  auto summary = Run(OpenAiConfig());
  ASSERT_EQ(summary.error, "");
  ASSERT_EQ(summary.targets.size(), 1u);
  EXPECT_TRUE(summary.targets[0].complete);
  EXPECT_EQ(summary.targets[0].embedded, 120);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings WHERE embedding IS NOT NULL AND embedding_model = 'text-embedding-3-small'"), 120);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings WHERE embedding_version = '8'"), 120) << "the dimension goes into the version column";
  auto items = ItemsPerRequest();
  size_t total = 0;
  for (size_t n : items) {
    EXPECT_LE(n, 16u);
    total += n;
  }
  EXPECT_EQ(total, 120u);
  EXPECT_LE(items.size(), 12u) << "pages of 50 in batches of 16: 4 requests per page at most";
}

TEST_P(EmbeddingBackfill, StoredVectorIsTheProvidersAndTextIsKept) {
  CreateMessages(3);
  ASSERT_EQ(Run(OpenAiConfig()).error, "");
  auto r = conn_->Query("SELECT embedding, embedded_text FROM message_embeddings WHERE message_id = $1", {RowId(2)});
  ASSERT_TRUE(r.ok() && r->rows.size() == 1) << r.error();
  auto v = ParseStoredVector(r->rows[0].at(0), pg() ? VectorStorage::kPgArray : VectorStorage::kFloat32Bytes);
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(*v, LocalHashEmbedding("message about topic 2", 8));
  EXPECT_EQ(r->rows[0].Text(1), "message about topic 2");
}

TEST_P(EmbeddingBackfill, Base64AnswersAreDecodedToTheSameVectors) {
  CreateMessages(20);
  auto config = OpenAiConfig();
  config.provider.encoding_format = "base64";
  ASSERT_EQ(Run(config).error, "");
  EXPECT_NE(Arrivals("/v1/embeddings")[0].body.find("\"encoding_format\":\"base64\""), std::string::npos);
  auto r = conn_->Query("SELECT embedding FROM message_embeddings WHERE message_id = $1", {RowId(7)});
  ASSERT_TRUE(r.ok() && r->rows.size() == 1) << r.error();
  auto v = ParseStoredVector(r->rows[0].at(0), pg() ? VectorStorage::kPgArray : VectorStorage::kFloat32Bytes);
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(*v, LocalHashEmbedding("message about topic 7 with a much longer tail of words", 8));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 20);
}

TEST_P(EmbeddingBackfill, ThePassRestoresTheConnectionsCommitDurability) {
  CreateMessages(5);
  ASSERT_EQ(Run(OpenAiConfig()).error, "");
  if (pg()) {
    EXPECT_EQ(conn_->Query("SHOW synchronous_commit")->rows[0].Text(0), "on");
    return;
  }
  int64_t before = testing::WalSyncsOnThisThread(db_.url());
  Exec("UPDATE messages SET content = content || '.'");
  EXPECT_EQ(testing::WalSyncsOnThisThread(db_.url()), before + 1) << "a commit synced to disk again";
  EXPECT_EQ(conn_->Query("PRAGMA wal_autocheckpoint")->rows[0].Int(0), 1000) << "SQLite's default checkpoint interval is back";
}

TEST_P(EmbeddingBackfill, SecondRunSendsNothing) {
  CreateMessages(40);
  ASSERT_EQ(Run(OpenAiConfig()).error, "");
  size_t before = Arrivals("/v1/embeddings").size();
  auto again = Run(OpenAiConfig());
  EXPECT_EQ(again.error, "");
  EXPECT_EQ(again.targets[0].pass, "new_rows");
  EXPECT_EQ(again.targets[0].scanned, 0) << "past the watermark there is nothing";
  EXPECT_EQ(again.targets[0].embedded, 0);
  auto config = OpenAiConfig();
  config.reconcile_every = std::chrono::milliseconds(0);
  auto reconcile = Run(config);
  EXPECT_EQ(reconcile.targets[0].pass, "reconcile");
  EXPECT_EQ(reconcile.targets[0].scanned, 40);
  EXPECT_EQ(reconcile.targets[0].embedded, 0);
  EXPECT_EQ(Arrivals("/v1/embeddings").size(), before);
}

TEST_P(EmbeddingBackfill, BatchesRespectTheTokenCap) {
  CreateMessages(60);
  auto config = OpenAiConfig();
  config.provider.batch_size = 64;
  config.provider.max_batch_tokens = 30;  // the texts are 6 to 14 estimated tokens each
  ASSERT_EQ(Run(config).error, "");
  for (const auto& a : Arrivals("/v1/embeddings")) {
    size_t tokens = 0;
    auto body = nlohmann::json::parse(a.body);  // not a temporary: the loop iterates into it
    for (const auto& text : body["input"]) tokens += (text.get<std::string>().size() + 3) / 4;
    EXPECT_LE(tokens, 30u) << a.body;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 60);
}

TEST_P(EmbeddingBackfill, ResumesWhereAStoppedRunLeftOffWithoutReembedding) {
  CreateMessages(100);
  CancelToken cancel;
  cancel_on_request_ = &cancel;
  cancel_at_ = 6;  // in the second page of 50 (4 requests of 16 per page), after the first page finished
  auto first = Run(OpenAiConfig(), &cancel);
  EXPECT_TRUE(first.cancelled);
  int64_t done = Count("SELECT COUNT(*) FROM message_embeddings");
  EXPECT_GT(done, 0);
  EXPECT_LT(done, 100);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_embedding_cursors"), 1) << "where the pass stopped is kept";
  cancel_on_request_ = nullptr;
  size_t sent_before = 0;
  for (size_t n : ItemsPerRequest()) sent_before += n;
  auto second = Run(OpenAiConfig());
  ASSERT_EQ(second.error, "");
  EXPECT_TRUE(second.targets[0].complete);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 100);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT message_id) FROM message_embeddings"), 100);
  size_t sent_after = 0;
  for (size_t n : ItemsPerRequest()) sent_after += n;
  EXPECT_EQ(sent_after - sent_before, size_t(100 - done)) << "committed rows are not sent again";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_embedding_cursors"), 0);
}

TEST_P(EmbeddingBackfill, HonoursRetryAfterAndRetriesTheSameBatch) {
  CreateMessages(10);
  throttle_first_ = 1;
  auto start = std::chrono::steady_clock::now();
  auto summary = Run(OpenAiConfig());
  ASSERT_EQ(summary.error, "");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms) << "waited for Retry-After: 1";
  auto arrivals = Arrivals("/v1/embeddings");
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_EQ(arrivals[0].body, arrivals[1].body) << "the retried items stay one batch";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 10);
}

TEST_P(EmbeddingBackfill, ARefusedRowIsRecordedAndTheRestAreEmbedded) {
  CreateMessages(20);
  ASSERT_TRUE(conn_->Query("UPDATE messages SET content = 'POISON pill' WHERE id = $1", {RowId(5)}).ok());
  auto config = OpenAiConfig();
  config.reconcile_every = std::chrono::milliseconds(0);  // a refused row is tried again by reconcile passes
  auto first = Run(config);
  ASSERT_EQ(first.error, "");
  EXPECT_EQ(first.targets[0].failed, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 19);
  auto failure = conn_->Query("SELECT row_id, attempts, last_error FROM vigil_embedding_failures");
  ASSERT_TRUE(failure.ok() && failure->rows.size() == 1);
  EXPECT_EQ(failure->rows[0].Text(0), RowId(5));
  EXPECT_NE(failure->rows[0].Text(2).find("HTTP 400"), std::string::npos);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(Run(config).error, "");
  EXPECT_EQ(Count("SELECT attempts FROM vigil_embedding_failures"), 3);
  size_t before = Arrivals("/v1/embeddings").size();
  auto blocked = Run(config);
  EXPECT_EQ(blocked.targets[0].blocked, 1);
  EXPECT_EQ(Arrivals("/v1/embeddings").size(), before) << "after max_row_attempts the row is left alone";
}

TEST_P(EmbeddingBackfill, RowsEmbeddedByAnotherModelAreEmbeddedAgain) {
  CreateMessages(30);
  ASSERT_EQ(Run(OpenAiConfig("old-model")).error, "");
  auto summary = Run(OpenAiConfig("new-model"));
  ASSERT_EQ(summary.error, "");
  EXPECT_EQ(summary.targets[0].embedded, 30);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings WHERE embedding_model = 'new-model'"), 30);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), 30) << "replaced in place, not added";
}

TEST_P(EmbeddingBackfill, MissingTablesAreReportedAndNothingIsSent) {
  auto summary = Run(OpenAiConfig());
  EXPECT_TRUE(summary.AllMissing());
  EXPECT_EQ(summary.targets[0].missing, "table messages does not exist");
  EXPECT_TRUE(Arrivals("/v1/embeddings").empty());
}

TEST_P(EmbeddingBackfill, RunsOnceFromTheConfigFile) {
  CreateMessages(12);
  std::string yaml = "database:\n  url: " + db_.url() +
                     "\njobs:\n  embedding_backfill:\n    every: 5m\n    provider:\n      kind: openai\n      base_url: " + Url() +
                     "/v1\n      model: m1\n      api_key: sk-x\n      batch_size: 5\n    targets:\n      - name: msgs\n"
                     "        source: {table: messages, id: id, text: content, filter: \"sequence_number <= 10\"}\n"
                     "        destination: {table: message_embeddings, key: message_id, column: embedding, model_column: embedding_model,"
                     " uuid_column: id, timestamp_column: created_at}\n";
  auto config = ParseConfig(yaml, "/tmp/vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  MaintenanceEnv env{**config, *conn_, http_};
  MaintenanceOutcome out = RunEmbeddingBackfillJob(env);
  ASSERT_EQ(out.next.kind, JobResult::Kind::kDone) << out.next.error;
  EXPECT_EQ(out.summary["targets"][0]["embedded"], 10) << "the filter keeps rows 1..10";
  EXPECT_EQ(out.summary["targets"][0]["target"], "msgs");
  EXPECT_EQ(out.summary["database"], "vigil");
  auto items = ItemsPerRequest();
  EXPECT_EQ(items, (std::vector<size_t>{5, 5}));
  EXPECT_EQ(Arrivals("/v1/embeddings")[0].body.find("\"model\":\"m1\"") != std::string::npos, true);
}

TEST_P(EmbeddingBackfill, JobSnoozesWhileTablesAreMissingThenEmbeds) {
  std::string yaml = "database:\n  url: " + db_.url() + "\njobs:\n  embedding_backfill:\n    provider: {kind: local, dimensions: 8}\n";
  auto config = ParseConfig(yaml, "/tmp/vigil.yaml");
  ASSERT_TRUE(config.ok()) << config.error();
  Runtime runtime(*config);
  runtime.set_http(std::make_unique<CurlHttpClient>(HttpClientOptions{}));
  KindSpec kind = MaintenanceKindSpec(*FindMaintenanceKind("embedding_backfill"), runtime);
  JobRow row;
  row.kind = kind.kind;
  nlohmann::json args = nlohmann::json::object();
  CancelToken cancel;
  SqlConnection* db = conn_.get();
  JobContext ctx{row, args, cancel, SystemClock::Instance(), "test", [db]() -> Result<SqlConnection*> { return db; }, nullptr};
  JobResult waiting = kind.handler(ctx);
  EXPECT_EQ(waiting.kind, JobResult::Kind::kSnooze);
  EXPECT_EQ(waiting.delay, kMissingTablesWait);
  CreateMessages(5);
  EXPECT_EQ(kind.handler(ctx).kind, JobResult::Kind::kDone);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings WHERE embedding_model = 'vigil-local-hash'"), 5);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EmbeddingBackfill, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

// Embeddings that stay in sync (issue #20), through the built binary's `vigil jobs run
// embedding_backfill --once`, on SQLite and the real PostgreSQL, with the platform's seed 001
// tables (message_embeddings given an `embedding_vector` column: REAL[] on PostgreSQL, BLOB on
// SQLite, pgvector not being packaged for Debian 12) and a loopback OpenAI-compatible stand-in
// that records what it is sent. The foreign key from message_embeddings to messages is not
// enforced (dropped on PostgreSQL; off on SQLite, as in SQLAlchemy's SQLite sessions): a deleted
// message's vector is vigil's to remove.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "jobs/maintenance/embedding_batches.h"
#include "jobs/maintenance/local_embedder.h"
#include "jobs/maintenance/vector_column.h"
#include "tests/support/daemon_process.h"
#include "tests/support/embedding_stand_in.h"
#include "tests/support/platform_db.h"
#include "tests/support/stand_in_server.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kRows = 20;
constexpr int kDims = 8;

class EmbeddingSyncE2E : public testsupport::StandInServer, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    conn_ = db_.ConnectMigrated();
    ASSERT_TRUE(conn_);
    Status s = testing::CreateMessageTables(*conn_);
    ASSERT_TRUE(s.ok()) << s.message();
    bool pg = Pg();
    s = conn_->ExecScript(pg ? "ALTER TABLE message_embeddings DROP CONSTRAINT message_embeddings_message_id_fkey;"
                               "ALTER TABLE message_embeddings ADD COLUMN embedding_vector REAL[]"
                             : "ALTER TABLE message_embeddings ADD COLUMN embedding_vector BLOB");
    ASSERT_TRUE(s.ok()) << s.message();
    s = testing::InsertMessages(*conn_, kRows, "note");
    ASSERT_TRUE(s.ok()) << s.message();
    StartStandIn([](const HttpRequest& req, int) { return Embeddings(req); });
  }

  // reconcile_every as given; chunks of 50 estimated tokens (200 bytes) overlapping by 10.
  std::string WriteConfig(const std::string& name, const std::string& reconcile_every, const std::string& targets = "") {
    return dir_.Write(name, "database:\n  url: " + db_.url() + "\njobs:\n  embedding_backfill:\n    reconcile_every: " + reconcile_every +
                                "\n    chunk_tokens: 50\n    chunk_overlap: 10\n    provider:\n      kind: openai\n"
                                "      base_url: http://127.0.0.1:" + std::to_string(port()) + "/v1\n      model: text-embedding-3-small\n"
                                "      api_key: sk-test\n      batch_size: 16\n" + targets);
  }

  static std::optional<std::vector<std::string>> Texts(const HttpRequest& req) { return testsupport::EmbeddingRequestTexts(req); }
  static testsupport::ScriptedAnswer Embeddings(const HttpRequest& req) { return testsupport::AnswerEmbeddings(req, kDims); }
  // Every text the provider has been sent, in order.
  std::vector<std::string> Sent() {
    std::vector<std::string> out;
    for (const auto& a : Arrivals()) {
      if (auto texts = Texts(a)) out.insert(out.end(), texts->begin(), texts->end());
    }
    return out;
  }
  std::vector<std::string> SentSince(size_t before) {
    auto all = Sent();
    return std::vector<std::string>(all.begin() + static_cast<long>(std::min(before, all.size())), all.end());
  }

  json RunOnce(const std::string& config) {
    auto [rc, out] = testing::RunVigil({"jobs", "run", "embedding_backfill", "--once", "--json", "--config", config});
    EXPECT_EQ(rc, 0) << out;
    auto at = out.find("{\"kind\"");
    EXPECT_NE(at, std::string::npos) << out;
    if (at == std::string::npos) return json();
    json result = json::parse(out.substr(at), nullptr, false);
    EXPECT_EQ(result["result"], "done") << out;
    return result["summary"]["targets"][0];
  }

  int64_t Count(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? r->rows[0].Int(0) : -1;
  }
  void Exec(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    auto r = conn_->Query(sql, params);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error();
  }
  void InsertMessage(int n, const std::string& text, const std::string& created_at) {
    Exec("INSERT INTO messages (id, role, content, sequence_number, created_at) VALUES ($1, 'agent', $2, $3, $4)",
         {testing::MessageRowId(n), text, int64_t(n), created_at});
  }
  bool Pg() const { return std::string(GetParam()) == "postgres"; }
  VectorStorage Storage() const { return Pg() ? VectorStorage::kPgArray : VectorStorage::kFloat32Bytes; }
  // The vectors in `column` of message n's destination rows, with their embedded_text.
  std::vector<std::pair<std::vector<float>, std::string>> Vectors(int n, const std::string& column = "embedding") {
    auto r = conn_->Query("SELECT " + column + ", embedded_text FROM message_embeddings WHERE message_id = $1 ORDER BY created_at, id",
                          {testing::MessageRowId(n)});
    EXPECT_TRUE(r.ok()) << r.error();
    std::vector<std::pair<std::vector<float>, std::string>> out;
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      if (row.IsNull(0)) {
        out.push_back({{}, row.Text(1)});
        continue;
      }
      auto v = ParseStoredVector(row.at(0), Storage());
      EXPECT_TRUE(v.ok()) << v.error();
      out.push_back({v.ok() ? *v : std::vector<float>{}, row.Text(1)});
    }
    return out;
  }
  static void ExpectNear(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5) << what << " [" << i << "]";
  }

  testing::TestDb db_{GetParam()};
  std::unique_ptr<SqlConnection> conn_;
  testing::TempDir dir_;
};

// A long text of distinct words, 1,000 bytes or more: five chunks or more of 200 bytes.
std::string LongText() {
  std::string text;
  for (int i = 0; text.size() < 1000; ++i) text += "word" + std::to_string(i) + " ";
  return text + "end";
}

TEST_P(EmbeddingSyncE2E, NewRowsByWatermarkEditsAndDeletionsByReconcileLongTextsChunked) {
  std::string daily = WriteConfig("daily.yaml", "24h");
  std::string always = WriteConfig("always.yaml", "0s");

  // The first pass reads the whole table (there is no watermark yet) and fills both columns.
  json first = RunOnce(daily);
  EXPECT_EQ(first["pass"], "reconcile");
  EXPECT_EQ(first["embedded"], kRows);
  EXPECT_EQ(Sent().size(), size_t(kRows));
  for (int n : {1, 7, kRows}) {
    auto v = Vectors(n);
    auto search = Vectors(n, "embedding_vector");
    ASSERT_EQ(v.size(), 1u);
    ASSERT_EQ(search.size(), 1u) << "embedding_vector is filled where the destination has it";
    EXPECT_FALSE(search[0].first.empty());
    ExpectNear(search[0].first, v[0].first, "embedding_vector holds the same vector as embedding");
  }

  // The platform edits message 3, deletes message 5 (no cascade) and adds 21 (short) and 22 (long).
  Exec("UPDATE messages SET content = 'note 3, edited' WHERE id = $1", {testing::MessageRowId(3)});
  if (!Pg()) {
    ASSERT_TRUE(conn_->ExecScript("PRAGMA foreign_keys = OFF").ok());  // as SQLAlchemy's SQLite sessions run
  }
  Exec("DELETE FROM messages WHERE id = $1", {testing::MessageRowId(5)});
  std::string long_text = LongText();
  InsertMessage(21, "note 21", "2024-12-05 09:00:00");
  InsertMessage(22, long_text, "2024-12-05 09:00:01");

  // Before the reconcile is due, a pass reads only the new rows.
  size_t before = Sent().size();
  json second = RunOnce(daily);
  EXPECT_EQ(second["pass"], "new_rows");
  EXPECT_EQ(second["scanned"], 2) << "the rows past the watermark, not the table";
  EXPECT_EQ(second["embedded"], 2);
  EXPECT_EQ(second["chunked"], 1);
  auto sent = SentSince(before);
  ASSERT_GE(sent.size(), 6u) << "note 21 and the long text's chunks";
  EXPECT_EQ(sent[0], "note 21");
  std::vector<std::string> chunks(sent.begin() + 1, sent.end());
  std::vector<std::vector<float>> chunk_vectors;
  for (const auto& c : chunks) {
    EXPECT_LE(c.size(), 200u) << "a chunk is at most chunk_tokens (50 x 4 bytes)";
    EXPECT_NE(long_text.find(c), std::string::npos) << "a chunk is a piece of the text: " << c;
    chunk_vectors.push_back(LocalHashEmbedding(c, kDims));
  }
  EXPECT_TRUE(long_text.starts_with(chunks.front()));
  EXPECT_TRUE(long_text.ends_with(chunks.back())) << "chunked, not cut";
  for (size_t i = 1; i < chunks.size(); ++i) {
    std::string tail_of_previous = chunks[i - 1].substr(chunks[i - 1].size() - 20);
    EXPECT_NE(chunks[i].find(tail_of_previous), std::string::npos) << "chunks overlap (chunk_overlap 10 tokens)";
  }
  auto long_vectors = Vectors(22);
  ASSERT_EQ(long_vectors.size(), 1u) << "one vector per message";
  ExpectNear(long_vectors[0].first, NormalisedMean(chunk_vectors), "the chunks' vectors averaged and normalised");
  EXPECT_EQ(long_vectors[0].second, long_text) << "embedded_text is the whole text";
  EXPECT_EQ(Vectors(3)[0].second, "note 3") << "an edit waits for the reconcile pass";
  EXPECT_EQ(Vectors(5).size(), 1u);

  // A reconcile pass embeds the edited text again, and only it, and removes the deleted row's vector.
  before = Sent().size();
  json third = RunOnce(always);
  EXPECT_EQ(third["pass"], "reconcile");
  EXPECT_EQ(third["changed"], 1);
  EXPECT_EQ(third["embedded"], 1);
  EXPECT_EQ(third["deleted"], 1);
  EXPECT_EQ(SentSince(before), std::vector<std::string>{"note 3, edited"}) << "the changed message only";
  auto edited = Vectors(3);
  ASSERT_EQ(edited.size(), 1u);
  EXPECT_EQ(edited[0].second, "note 3, edited");
  ExpectNear(edited[0].first, LocalHashEmbedding("note 3, edited", kDims), "the new text's vector");
  ExpectNear(Vectors(3, "embedding_vector")[0].first, edited[0].first, "embedding_vector follows");
  EXPECT_TRUE(Vectors(5).empty()) << "the deleted message's vector is gone";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_embedding_records WHERE row_id = $1", {testing::MessageRowId(5)}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM message_embeddings"), kRows + 1);  // 20 - 1 deleted + 2 new

  // Nothing changed since: another reconcile sends nothing.
  before = Sent().size();
  json fourth = RunOnce(always);
  EXPECT_EQ(fourth["pass"], "reconcile");
  EXPECT_EQ(fourth["embedded"], 0);
  EXPECT_EQ(fourth["deleted"], 0);
  EXPECT_EQ(Sent().size(), before) << "an unchanged message is not embedded again";
}

TEST_P(EmbeddingSyncE2E, ADestinationWithARowPerChunkGetsOneRowPerChunkWithItsText) {
  std::string long_text = LongText();
  InsertMessage(21, long_text, "2024-12-05 09:00:00");
  std::string config = WriteConfig("rows.yaml", "0s",
                                   "    targets:\n      - name: chunks\n        source: {table: messages, id: id, text: content, watermark: created_at}\n"
                                   "        destination: {table: message_embeddings, key: message_id, column: embedding, chunks: rows,\n"
                                   "                      model_column: embedding_model, text_column: embedded_text, uuid_column: id,\n"
                                   "                      timestamp_column: created_at}\n");
  size_t before = Sent().size();
  json first = RunOnce(config);
  EXPECT_EQ(first["embedded"], kRows + 1);
  auto sent = SentSince(before);
  auto rows = Vectors(21);
  ASSERT_GE(rows.size(), 5u) << "one row per chunk";
  std::vector<std::string> chunk_texts;
  for (const auto& [vector, text] : rows) {
    EXPECT_LE(text.size(), 200u);
    EXPECT_NE(long_text.find(text), std::string::npos) << text;
    ExpectNear(vector, LocalHashEmbedding(text, kDims), "each chunk's own vector");
    ExpectNear(Vectors(21, "embedding_vector").at(chunk_texts.size()).first, vector, "embedding_vector per chunk");
    chunk_texts.push_back(text);
  }
  EXPECT_EQ(Vectors(1).size(), 1u) << "a short text is one row";

  // Shortened, it is embedded again: its rows are replaced, not added to.
  Exec("UPDATE messages SET content = 'now short' WHERE id = $1", {testing::MessageRowId(21)});
  json second = RunOnce(config);
  EXPECT_EQ(second["changed"], 1);
  rows = Vectors(21);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].second, "now short");
}

INSTANTIATE_TEST_SUITE_P(Dialects, EmbeddingSyncE2E, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

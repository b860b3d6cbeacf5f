// embedding_backfill into column destinations (a vector column of the source row itself) with
// the built-in local provider: JSON/JSONB (user_memories, seeds/004), real[] or a float32 BLOB
// (synthesis_memories, seeds/000), and pgvector where the extension exists.
#include <gtest/gtest.h>

#include "jobs/maintenance/vector_column.h"
#include "tests/integration/embedding_fixture.h"

namespace vigil {
namespace {

using testing::EmbeddingWorld;

class EmbeddingDestinations : public EmbeddingWorld {
 protected:
  void CreateUserMemories(int rows) {
    std::string id = pg() ? "UUID" : "TEXT";
    Exec("CREATE TABLE user_memories (id " + id + " PRIMARY KEY, user_id " + id + ", content TEXT NOT NULL, meta_data " +
         (pg() ? "JSONB" : "JSON") + ", importance FLOAT, source VARCHAR(50), source_id " + id + ", embedding " +
         (pg() ? "JSONB" : "JSON") + ", is_active BOOLEAN NOT NULL, last_accessed TIMESTAMP, access_count INTEGER, created_at TIMESTAMP)");
    for (int i = 1; i <= rows; ++i) {
      ASSERT_TRUE(conn_->Query("INSERT INTO user_memories (id, content, is_active) VALUES ($1, $2, $3)",
                               {RowId(i), "user prefers concise answers " + std::to_string(i), int64_t(i % 4 != 0)})
                      .ok());
    }
  }

  EmbeddingBackfillConfig LocalConfig(const std::string& table, int dimensions, const std::string& filter = "") {
    EmbeddingBackfillConfig c;
    c.enabled = true;
    c.provider.kind = "local";
    c.provider.model = "vigil-local-hash";
    c.provider.dimensions = dimensions;
    c.page_size = 7;
    EmbeddingTarget t;
    t.name = table;
    t.source = {.table = table, .id_column = "id", .text_column = table == "user_memories" ? "content" : "synthesis_content",
                .filter = filter};
    t.destination.column = "embedding";
    c.targets.push_back(t);
    return c;
  }
};

TEST_P(EmbeddingDestinations, JsonColumnGetsAJsonArrayAndAFilterIsHonoured) {
  CreateUserMemories(20);
  auto summary = Run(LocalConfig("user_memories", 32, "is_active = TRUE"));
  ASSERT_EQ(summary.error, "");
  EXPECT_EQ(summary.targets[0].embedded, 15);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM user_memories WHERE embedding IS NOT NULL"), 15);
  auto r = conn_->Query("SELECT embedding FROM user_memories WHERE id = $1", {RowId(1)});
  ASSERT_TRUE(r.ok());
  auto parsed = nlohmann::json::parse(r->rows[0].Text(0));
  ASSERT_TRUE(parsed.is_array());
  EXPECT_EQ(parsed.size(), 32u);
  EXPECT_FLOAT_EQ(parsed[0].get<float>(), LocalHashEmbedding("user prefers concise answers 1", 32)[0]);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM vigil_embedding_records WHERE target = 'user_memories' AND model = 'vigil-local-hash'"), 15)
      << "without a model column vigil records the model itself";
}

TEST_P(EmbeddingDestinations, WithoutAModelColumnTheRecordsFindRowsOfAnotherModel) {
  CreateUserMemories(10);
  ASSERT_EQ(Run(LocalConfig("user_memories", 16)).error, "");
  EXPECT_EQ(Run(LocalConfig("user_memories", 16)).targets[0].embedded, 0);
  auto other = LocalConfig("user_memories", 16);
  other.provider.model = "another-model";
  EXPECT_EQ(Run(other).targets[0].embedded, 10);
  EXPECT_EQ(Run(LocalConfig("user_memories", 24)).targets[0].embedded, 10) << "another dimension is another model";
}

TEST_P(EmbeddingDestinations, VectorColumnOfSynthesisMemoriesGetsFloat32s) {
  std::string id = pg() ? "UUID" : "TEXT";
  Exec("CREATE TABLE synthesis_memories (id " + id + " PRIMARY KEY, topic VARCHAR(200), synthesis_content TEXT, embedding " +
       (pg() ? "REAL[]" : "BLOB") + ", timestamp TIMESTAMP)");
  for (int i = 1; i <= 9; ++i) {
    ASSERT_TRUE(conn_->Query("INSERT INTO synthesis_memories (id, synthesis_content) VALUES ($1, $2)",
                             {RowId(i), "consensus on trial design " + std::to_string(i)}).ok());
  }
  ASSERT_EQ(Run(LocalConfig("synthesis_memories", 64)).error, "");
  auto r = conn_->Query("SELECT embedding FROM synthesis_memories WHERE id = $1", {RowId(4)});
  ASSERT_TRUE(r.ok());
  auto v = ParseStoredVector(r->rows[0].at(0), pg() ? VectorStorage::kPgArray : VectorStorage::kFloat32Bytes);
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(*v, LocalHashEmbedding("consensus on trial design 4", 64));
}

// pgvector is not packaged for Debian 12; this runs where the extension is installed.
TEST_P(EmbeddingDestinations, PgvectorColumnGetsAVector) {
  if (!pg()) GTEST_SKIP() << "pgvector is a PostgreSQL extension";
  auto available = conn_->Query("SELECT COUNT(*) FROM pg_available_extensions WHERE name = 'vector'");
  ASSERT_TRUE(available.ok());
  if (available->rows[0].Int(0) == 0) GTEST_SKIP() << "the pgvector extension is not installed here";
  Exec("CREATE EXTENSION IF NOT EXISTS vector");
  Exec("CREATE TABLE synthesis_memories (id UUID PRIMARY KEY, synthesis_content TEXT, embedding vector(16))");
  ASSERT_TRUE(conn_->Query("INSERT INTO synthesis_memories (id, synthesis_content) VALUES ($1, 'pgvector row')", {RowId(1)}).ok());
  ASSERT_EQ(Run(LocalConfig("synthesis_memories", 16)).error, "");
  auto r = conn_->Query("SELECT embedding::text FROM synthesis_memories");
  ASSERT_TRUE(r.ok());
  auto v = ParseStoredVector(r->rows[0].at(0), VectorStorage::kPgVector);
  ASSERT_TRUE(v.ok());
  auto expected = LocalHashEmbedding("pgvector row", 16);
  ASSERT_EQ(v->size(), expected.size());
  for (size_t i = 0; i < v->size(); ++i) EXPECT_NEAR((*v)[i], expected[i], 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EmbeddingDestinations, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

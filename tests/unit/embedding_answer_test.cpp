// Reading providers' answers straight into float vectors (jobs/maintenance/embedding_answer.h).
#include <gtest/gtest.h>

#include "common/base64.h"
#include "jobs/maintenance/embedding_answer.h"

namespace vigil {
namespace {

using Vectors = std::vector<std::vector<float>>;

TEST(EmbeddingAnswer, OpenAiVectorsArePlacedByTheirIndex) {
  auto v = ReadOpenAiVectors(R"({"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,-1]},)"
                             R"({"object":"embedding","index":0,"embedding":[0.25,2]}],"model":"m"})",
                             2);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (Vectors{{0.25f, 2.0f}, {0.5f, -1.0f}}));
}

TEST(EmbeddingAnswer, IntegersAndExponentsAreNumbersToo) {
  auto v = ReadOpenAiVectors(R"({"data":[{"embedding":[0,1,-2.5e-3]}]})", 1);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (Vectors{{0.0f, 1.0f, -2.5e-3f}}));
}

TEST(EmbeddingAnswer, Base64EmbeddingsAreFloat32Bytes) {
  std::vector<float> floats = {1.5f, -0.125f};
  std::string b64 = Base64Encode(std::string_view(reinterpret_cast<const char*>(floats.data()), floats.size() * sizeof(float)));
  auto v = ReadOpenAiVectors(R"({"data":[{"index":0,"embedding":")" + b64 + R"("}]})", 1);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, Vectors{floats});
}

TEST(EmbeddingAnswer, AnotherShapeIsLeftToTheTreeReader) {
  EXPECT_FALSE(ReadOpenAiVectors(R"({"data":[{"index":0,"embedding":[1]}]})", 2)) << "fewer vectors than inputs";
  EXPECT_FALSE(ReadOpenAiVectors(R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]})", 2)) << "an index twice";
  EXPECT_FALSE(ReadOpenAiVectors(R"({"data":[{"index":0,"embedding":["x"]}]})", 1)) << "not a number";
  EXPECT_FALSE(ReadOpenAiVectors(R"({"data":[{"index":0,"embedding":[1,]}]})", 1)) << "not JSON";
  EXPECT_FALSE(ReadOpenAiVectors(R"({"error":{"message":"no"}})", 1));
}

TEST(EmbeddingAnswer, OllamaVectorsComeInOrder) {
  auto v = ReadOllamaVectors(R"({"model":"m","embeddings":[[1,2],[3.5,4]]})", 2);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (Vectors{{1.0f, 2.0f}, {3.5f, 4.0f}}));
  EXPECT_FALSE(ReadOllamaVectors(R"({"embeddings":[[1,2]]})", 2));
}

}  // namespace
}  // namespace vigil

// The pure parts of the maintenance jobs: batch planning, the local embedder, vector text forms,
// citation identifiers and normalisation, and the config blocks' validation.
#include <gtest/gtest.h>

#include <cmath>

#include "common/utf8_cut.h"
#include "jobs/maintenance/citation_config.h"
#include "jobs/maintenance/citation_ids.h"
#include "jobs/maintenance/citation_match.h"
#include "jobs/maintenance/embedding_batches.h"
#include "jobs/maintenance/embedding_config.h"
#include "jobs/maintenance/local_embedder.h"
#include "jobs/maintenance/vector_column.h"
#include "jobs/schedule_config.h"
#include "sources/watcher_checks.h"

namespace vigil {
namespace {

TEST(EmbeddingBatches, NoBatchExceedsTheItemOrTokenCap) {
  std::vector<size_t> tokens = {5, 5, 5, 20, 1, 1, 1, 1, 1, 1, 1, 50, 2};
  auto batches = PlanBatches(tokens, 4, 12);
  size_t next = 0;
  for (const auto& b : batches) {
    EXPECT_EQ(b.begin, next);
    next = b.end;
    size_t sum = 0;
    for (size_t i = b.begin; i < b.end; ++i) sum += tokens[i];
    EXPECT_LE(b.end - b.begin, 4u);
    EXPECT_TRUE(sum <= 12 || b.end - b.begin == 1) << "only a lone oversized item may pass the token cap";
  }
  EXPECT_EQ(next, tokens.size());
}

TEST(EmbeddingBatches, TruncationKeepsWholeUtf8Characters) {
  std::string text = "ab\xC3\xA9\xC3\xA9";  // "abéé": 6 bytes
  EXPECT_EQ(TruncateToTokens(text, 1), "ab\xC3\xA9");
  EXPECT_EQ(TruncateToTokens("short", 10), "short");
}

TEST(EmbeddingChunks, ATextThatFitsIsOneChunkItself) {
  size_t covered = 0;
  EXPECT_EQ(ChunkText("a short text", 50, 10, 8, &covered), std::vector<std::string>{"a short text"});
  EXPECT_EQ(covered, 12u);
  EXPECT_TRUE(ChunkText("", 50, 10, 8, &covered).empty());
}

TEST(EmbeddingChunks, ChunksOverlapEndAtSpacesAndCoverTheText) {
  std::string text;
  for (int i = 0; text.size() < 500; ++i) text += "w" + std::to_string(i) + " ";
  size_t covered = 0;
  auto chunks = ChunkText(text, 10, 2, 100, &covered);  // 40 bytes a chunk, 8 overlapping
  ASSERT_GT(chunks.size(), 10u);
  EXPECT_EQ(covered, text.size());
  size_t at = 0, previous = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_LE(chunks[i].size(), 40u);
    size_t found = text.find(chunks[i], i == 0 ? 0 : previous + 1);
    ASSERT_NE(found, std::string::npos) << chunks[i];
    if (i + 1 < chunks.size()) {
      EXPECT_EQ(chunks[i].back(), ' ') << "ends after a space: " << chunks[i];
    }
    if (i > 0) {
      EXPECT_LT(found, at) << "overlaps the chunk before";
      EXPECT_GT(found, previous) << "moves on";
    }
    previous = found;
    at = found + chunks[i].size();
  }
  EXPECT_EQ(at, text.size());
}

TEST(EmbeddingChunks, CutsOnlyOnUtf8BoundariesAndStopsAtMaxChunks) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "\xC3\xA9\xE2\x82\xAC";  // "é€" without spaces: 5 bytes each
  size_t covered = 0;
  auto chunks = ChunkText(text, 3, 1, 4, &covered);  // 12 bytes a chunk, at most 4
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_LT(covered, text.size()) << "the rest is cut";
  for (const auto& c : chunks) {
    EXPECT_TRUE(IsUtf8(c)) << "whole characters only";
    EXPECT_LE(c.size(), 12u);
    EXPECT_FALSE(c.empty());
  }
  EXPECT_TRUE(IsUtf8(text.substr(0, covered)));
}

TEST(EmbeddingChunks, TheMeanOfChunkVectorsIsNormalised) {
  auto mean = NormalisedMean({{1, 0}, {0, 1}});
  EXPECT_NEAR(mean[0], std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(mean[1], std::sqrt(0.5), 1e-6);
  EXPECT_EQ(NormalisedMean({{1, 0}, {-1, 0}}), (std::vector<float>{0, 0}));
}

TEST(EmbeddingBatches, AChunkedTextCountsAsItsChunks) {
  auto batches = PlanBatches({1, 1, 1, 1}, {3, 3, 1, 1}, 4, 100);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].end, 1u);
  EXPECT_EQ(batches[1].end, 3u);
  EXPECT_EQ(batches[2].end, 4u);
}

TEST(LocalEmbedder, IsDeterministicNormalisedAndSimilarForSimilarTexts) {
  auto a = LocalHashEmbedding("Aspirin reduces the risk of stroke", 128);
  EXPECT_EQ(a, LocalHashEmbedding("Aspirin reduces the risk of stroke", 128));
  double norm = 0;
  for (float x : a) norm += double(x) * x;
  EXPECT_NEAR(norm, 1.0, 1e-5);
  auto cos = [](const std::vector<float>& x, const std::vector<float>& y) {
    double d = 0;
    for (size_t i = 0; i < x.size(); ++i) d += double(x[i]) * y[i];
    return d;
  };
  EXPECT_GT(cos(a, LocalHashEmbedding("aspirin lowers stroke risk", 128)), cos(a, LocalHashEmbedding("quarterly revenue grew", 128)));
}

TEST(VectorColumn, TextFormsReadBackExactly) {
  std::vector<float> v = {0.1f, -2.5f, 1e-7f, 3.0f};
  EXPECT_EQ(*ParseStoredVector(VectorJson(v), VectorStorage::kJson), v);
  EXPECT_EQ(*ParseStoredVector(std::string("{0.1,-2.5,1e-07,3}"), VectorStorage::kPgArray), v);
  std::vector<SqlValue> params;
  EXPECT_EQ(VectorSqlExpression({VectorStorage::kPgVector, "vector(4)"}, "postgres", v, &params), "CAST($1 AS vector)");
  EXPECT_EQ(std::get<std::string>(params[0]), "[0.1,-2.5,1e-07,3]");
}

TEST(CitationIds, FindsEveryKindStrongestFirst) {
  auto ids = ExtractCitationIds("See doi:10.1016/0005-2795(76)90109-4. PMID: 9997; PMC1234567 and arXiv:2104.12255v1.",
                                "https://example.org/paper?id=1");
  std::vector<CitationId> expected = {{"doi", "10.1016/0005-2795(76)90109-4"}, {"pmid", "9997"}, {"pmcid", "PMC1234567"},
                                      {"arxiv", "2104.12255v1"}, {"url", "https://example.org/paper?id=1"}};
  EXPECT_EQ(ids, expected);
}

TEST(CitationIds, LinksYieldTheirIdentifiers) {
  auto ids = ExtractCitationIds("", "https://pubmed.ncbi.nlm.nih.gov/12091962/");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], (CitationId{"pmid", "12091962"}));
  EXPECT_EQ(ExtractCitationIds("https://arxiv.org/abs/math/0211159", "")[0], (CitationId{"arxiv", "math/0211159"}));
  EXPECT_EQ(ExtractCitationIds("https://doi.org/10.1037/0003-066X.59.1.29.", "")[0], (CitationId{"doi", "10.1037/0003-066x.59.1.29"}));
}

TEST(CitationMatch, NormalisationFoldsCaseDiacriticsEntitiesAndPunctuation) {
  EXPECT_EQ(NormalizeForMatch("Café &amp; Résumé: the Straße—Ærø!"), "cafe resume the strasse aero");
}

TEST(CitationMatch, ToleratesOneTypoPerLongWord) {
  EXPECT_DOUBLE_EQ(TitleScore("Randomized controlled trials", "randomised controled trials"), 1.0);
  EXPECT_LT(TitleScore("Randomized controlled trials", "observational cohort studies"), 0.01);
}

Result<std::shared_ptr<const Config>> Yaml(const std::string& jobs) { return ParseConfig("jobs:\n" + jobs, "/etc/vigil/vigil.yaml"); }

TEST(MaintenanceConfig, ErrorsNameFileLineAndKey) {
  auto config = Yaml("  embedding_backfill:\n    provider:\n      kind: openai\n      batch_size: 0\n");
  ASSERT_TRUE(config.ok()) << config.error();
  auto parsed = EmbeddingBackfillConfigFrom(**config);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), "vigil.yaml:5:19: jobs.embedding_backfill.provider.batch_size: expected an integer from 1 to 4096");
  config = Yaml("  citation_verification:\n    crossref: {base_url: http://x}\n    tabel: citations\n");
  auto c = CitationVerificationConfigFrom(**config);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), "vigil.yaml:4:12: jobs.citation_verification.tabel: unknown key (did you mean \"table\"? valid keys: "
                       "enabled, database, tables, schedule, every, jitter, tz, catch_up, table, batch_size, recheck_after, "
                       "negative_cache, min_confidence, mailto, timeout, crossref, pubmed, arxiv, urls, community, targets)");
}

TEST(MaintenanceConfig, AnEmbeddingBlockNamesItsProviderOrIsRefused) {
  auto none = EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    every: 5m\n"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("jobs.embedding_backfill: provider: {kind: ...} is required"), std::string::npos) << none.error();
  for (const char* kind : {"openai", "ollama", "local"}) EXPECT_NE(none.error().find(kind), std::string::npos) << none.error();
  auto no_kind = EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {model: m}\n"));
  ASSERT_FALSE(no_kind.ok());
  EXPECT_NE(no_kind.error().find("jobs.embedding_backfill.provider.kind: is required"), std::string::npos) << no_kind.error();
  auto local = EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: local}\n"));
  ASSERT_TRUE(local.ok()) << local.error();
  EXPECT_EQ(local->provider.model, "vigil-local-hash");
}

TEST(MaintenanceConfig, SyncAndChunkSettingsHaveDefaultsAndBounds) {
  auto d = EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: local}\n"));
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_EQ(d->reconcile_every, std::chrono::hours(24));
  EXPECT_EQ(d->chunk_tokens, d->provider.max_input_tokens);
  EXPECT_EQ(d->chunk_overlap, 100);
  EXPECT_EQ(d->targets[0].source.watermark(), "created_at") << "seed 001's ids are random UUIDs";
  EXPECT_EQ(d->targets[0].destination.search_column, "embedding_vector");
  auto error = [](const std::string& yaml) {
    auto parsed = EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: local, max_input_tokens: 100}\n" + yaml));
    return parsed.ok() ? std::string() : parsed.error();
  };
  EXPECT_NE(error("    chunk_tokens: 200\n").find("chunk_tokens: is more than provider.max_input_tokens (100)"), std::string::npos);
  EXPECT_NE(error("    chunk_tokens: 50\n    chunk_overlap: 30\n").find("chunk_overlap: must be at most half of chunk_tokens"),
            std::string::npos);
  EXPECT_NE(error("    targets:\n      - name: t\n        source: {table: m, text: c}\n        destination: {chunks: rows}\n")
                .find("chunks: rows needs a destination table"),
            std::string::npos);
  EXPECT_NE(error("    targets:\n      - name: t\n        source: {table: m, text: c}\n        destination: {table: e, key: k, chunks: some}\n")
                .find("\"some\" is not one of average, rows"),
            std::string::npos);
  EXPECT_EQ(error("    reconcile_every: 0s\n"), "");
}

TEST(MaintenanceConfig, RejectsTableNamesThatAreNotIdentifiers) {
  auto config = Yaml("  embedding_backfill:\n    provider: {kind: local}\n    targets:\n      - name: t\n        source: {table: \"messages; DROP TABLE x\", text: content}\n");
  auto parsed = EmbeddingBackfillConfigFrom(**config);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("is not a plain SQL identifier"), std::string::npos) << parsed.error();
}

TEST(MaintenanceConfig, DefaultsToTheMessagesTargetAndSchedulesTheJob) {
  auto config = Yaml("  embedding_backfill:\n    every: 5m\n    provider: {kind: openai, model: text-embedding-3-small, api_key: k}\n");
  auto parsed = EmbeddingBackfillConfigFrom(**config);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  ASSERT_EQ(parsed->targets.size(), 1u);
  EXPECT_EQ(parsed->targets[0].destination.table, "message_embeddings");
  EXPECT_EQ(parsed->provider.base_url, "https://api.openai.com/v1");
  auto schedules = SchedulesFrom(**config);
  ASSERT_TRUE(schedules.ok()) << schedules.error();
  std::erase_if(*schedules, [](const ScheduleSpec& s) { return s.name == "job:triage_retention"; });  // always present
  ASSERT_EQ(schedules->size(), 1u);
  EXPECT_EQ((*schedules)[0].name, "job:embedding_backfill");
  EXPECT_EQ((*schedules)[0].job.kind, "embedding_backfill");
  EXPECT_EQ((*schedules)[0].interval->every, std::chrono::minutes(5));
}

TEST(MaintenanceConfig, BadScheduleOfAMaintenanceJobNamesItsKey) {
  auto config = Yaml("  citation_verification:\n    schedule: \"61 * * * *\"\n");
  auto schedules = SchedulesFrom(**config);
  ASSERT_FALSE(schedules.ok());
  EXPECT_NE(schedules.error().find("jobs.citation_verification.schedule:"), std::string::npos) << schedules.error();
}

TEST(MaintenanceConfig, RelativeSqliteDatabaseOfAJobIsBesideTheConfigFile) {
  auto config = Yaml("  embedding_backfill:\n    provider: {kind: local}\n    database: {url: \"sqlite:platform.db\"}\n");
  auto parsed = EmbeddingBackfillConfigFrom(**config);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->database_url, "sqlite:/etc/vigil/platform.db");
}

TEST(MaintenanceConfig, CitationTableIsMappedLikeTheOtherJobsTables) {
  auto shorthand = CitationVerificationConfigFrom(**Yaml("  citation_verification:\n    table: platform.citations\n"));
  ASSERT_TRUE(shorthand.ok()) << shorthand.error();
  EXPECT_EQ(shorthand->tables.T("message_citations"), "\"platform\".\"citations\"");
  auto mapped = CitationVerificationConfigFrom(
      **Yaml("  citation_verification:\n    tables:\n      message_citations: {name: cites, columns: {verified_at: checked_at}}\n"));
  ASSERT_TRUE(mapped.ok()) << mapped.error();
  EXPECT_EQ(mapped->tables.T("message_citations"), "\"cites\"");
  EXPECT_EQ(mapped->tables.C("message_citations", "verified_at"), "\"checked_at\"");
  EXPECT_FALSE(CitationVerificationConfigFrom(**Yaml("  citation_verification:\n    table: \"a; b\"\n")).ok());
  EXPECT_FALSE(CitationVerificationConfigFrom(**Yaml("  citation_verification:\n    table: a\n    tables: {message_citations: b}\n")).ok());
}

TEST(MaintenanceConfig, EncodingFormatIsFloatOrBase64ForOpenAiOnly) {
  auto ok = EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: openai, encoding_format: base64}\n"));
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->provider.encoding_format, "base64");
  EXPECT_EQ(EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: openai}\n"))->provider.encoding_format, "float");
  EXPECT_FALSE(EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: openai, encoding_format: hex}\n")).ok());
  EXPECT_FALSE(EmbeddingBackfillConfigFrom(**Yaml("  embedding_backfill:\n    provider: {kind: local, encoding_format: base64}\n")).ok());
}

}  // namespace
}  // namespace vigil

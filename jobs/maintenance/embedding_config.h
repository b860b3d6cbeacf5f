// The `jobs.embedding_backfill` block: which platform rows to embed, where the vectors go and
// which provider makes them. Parsed and validated here (the config table only says it is a
// map); errors name the file, line and key ("vigil.yaml:12:5: jobs.embedding_backfill.x: ...").
// The common keys (`enabled`, `database`, the schedule's) are read by ParseJobTarget like every
// maintenance job's; table and column names are checked with table_mapping.h's identifier rule.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

struct EmbeddingProviderConfig {
  std::string kind;                  // openai | ollama | local: required
  std::string base_url;              // default per kind
  std::string model;                 // default per kind ("vigil-local-hash" for local)
  std::string api_key;               // openai; never logged
  int dimensions = 0;                // local: the vector size (default 256); openai: asked for when > 0
  int batch_size = 64;               // most items in one request
  int max_batch_tokens = 100000;     // most estimated tokens in one request
  int max_input_tokens = 8000;       // longer texts are cut to this many estimated tokens
  std::string encoding_format = "float";  // openai: "base64" asks for float32 bytes, ~4x less to decode
  std::chrono::milliseconds timeout{60000};
};

// Where a target's source rows are.
struct EmbeddingSource {
  std::string table;
  std::string id_column = "id";
  std::string text_column;
  std::string filter;                // SQL condition on the source row, alias-free; "" for none
  // An increasing column (a serial key, or created_at) by which a pass finds the rows added since
  // the last one; "" = the id column. Rows are read in (watermark, id) order past the last seen.
  std::string watermark_column;
  const std::string& watermark() const { return watermark_column.empty() ? id_column : watermark_column; }
};

// Where vectors go: a separate table keyed by the source id, or a column of the source table.
struct EmbeddingDestination {
  std::string table;                 // "" = the source table itself (column destination)
  std::string key_column;            // separate table: the column holding the source id
  std::string column = "embedding";  // the vector column
  std::string model_column;          // optional: model name written here, stale rows found by it
  std::string version_column;        // optional: the dimension written here (as text)
  std::string text_column;           // optional: the embedded text copied here
  std::string uuid_column;           // optional: new rows get a fresh UUID here (no DB default)
  std::string timestamp_column;      // optional: new rows get the time here
  // Filled with the same vector as `column` when the table has it (seed 001's pgvector column
  // that its similarity search reads); "" = none.
  std::string search_column = "embedding_vector";
  // A text cut into several chunks: false = their vectors averaged and normalised into one;
  // true = one destination row per chunk (separate table only), each with its text.
  bool row_per_chunk = false;
  bool separate() const { return !table.empty(); }
};

struct EmbeddingTarget {
  std::string name;
  EmbeddingSource source;
  EmbeddingDestination destination;
};

inline constexpr const char* kEmbeddingBackfillAt = "jobs.embedding_backfill";

struct EmbeddingBackfillConfig {
  bool enabled = false;              // the block is present and not `enabled: false`
  std::string database_url;          // "" = vigil's own database (relative sqlite paths resolved)
  EmbeddingProviderConfig provider;
  std::vector<EmbeddingTarget> targets;
  int page_size = 1000;              // source rows read per keyset page
  int max_row_attempts = 3;          // a row refused this often is skipped (until the model changes)
  // How often a pass is a reconcile pass: the whole source read in pages, hashes compared (edited
  // texts embedded again), and vectors of deleted rows removed. 0 = every pass. Between them a
  // pass reads only the rows past the watermark.
  std::chrono::milliseconds reconcile_every{24LL * 3600 * 1000};
  int chunk_tokens = 0;              // a text longer than this is chunked; 0 = provider.max_input_tokens
  size_t ChunkTokens() const { return static_cast<size_t>(std::max(1, chunk_tokens > 0 ? chunk_tokens : provider.max_input_tokens)); }
  int chunk_overlap = 100;           // estimated tokens each chunk repeats of the one before
  int max_chunks = 32;               // at most this many chunks per text; the rest is cut (and counted)
};

// The default target: messages.content into message_embeddings (seeds/001): key message_id,
// vector embedding, embedding_model, embedding_version (the dimension), embedded_text, and a new
// row's id (UUID) and created_at filled by vigil.
EmbeddingTarget DefaultMessagesTarget();

// Parses jobs.embedding_backfill. An absent block is a config with enabled = false.
Result<EmbeddingBackfillConfig> EmbeddingBackfillConfigFrom(const Config& config);


}  // namespace vigil

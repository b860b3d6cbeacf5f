#include "jobs/maintenance/embedding_config.h"

#include "config/block_reader.h"
#include "jobs/maintenance/maintenance_job.h"
#include "jobs/maintenance/table_mapping.h"

namespace vigil {
namespace {

// Reads table (`schema.` allowed) or column names of a target block and checks each with the
// table mapping's identifier rule: they are spliced into SQL.
Status Identifiers(const BlockReader& block, bool tables, std::initializer_list<std::pair<const char*, std::string*>> fields) {
  for (const auto& [key, out] : fields) {
    Status s = ReadSqlIdentifier(block, key, tables, out);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseProvider(const BlockReader& block, EmbeddingProviderConfig* p) {
  Status s = block.OnlyKeys({"kind", "base_url", "model", "api_key", "api_key_file", "dimensions", "batch_size",
                             "max_batch_tokens", "max_input_tokens", "timeout", "encoding_format"});
  if (!s.ok()) return s;
  for (Status step : {block.Read("kind", &p->kind), block.Read("base_url", &p->base_url), block.Read("model", &p->model),
                      block.Read("api_key", &p->api_key), block.Read("dimensions", &p->dimensions, 0, 65536),
                      block.Read("batch_size", &p->batch_size, 1, 4096),
                      block.Read("max_batch_tokens", &p->max_batch_tokens, 1, 10000000),
                      block.Read("max_input_tokens", &p->max_input_tokens, 1, 1000000), block.Read("timeout", &p->timeout),
                      block.Read("encoding_format", &p->encoding_format)}) {
    if (!step.ok()) return step;
  }
  if (p->encoding_format != "float" && p->encoding_format != "base64") {
    return block.Error("encoding_format", "\"" + p->encoding_format + "\" is not one of float, base64");
  }
  if (p->encoding_format != "float" && p->kind != "openai") return block.Error("encoding_format", "is for kind: openai only");
  if (p->kind == "openai") {
    if (p->base_url.empty()) p->base_url = "https://api.openai.com/v1";
    if (p->model.empty()) p->model = "text-embedding-3-small";
  } else if (p->kind == "ollama") {
    if (p->base_url.empty()) p->base_url = "http://localhost:11434";
    if (p->model.empty()) return block.Error("model", "is required for ollama (e.g. nomic-embed-text)");
  } else if (p->kind == "local") {
    if (p->model.empty()) p->model = "vigil-local-hash";
    if (p->dimensions == 0) p->dimensions = 256;
  } else {
    return block.Error("kind", "\"" + p->kind + "\" is not one of openai, ollama, local");
  }
  while (!p->base_url.empty() && p->base_url.back() == '/') p->base_url.pop_back();
  return Status::Ok();
}

Status ParseTarget(const BlockReader& block, EmbeddingTarget* t) {
  Status s = block.OnlyKeys({"name", "source", "destination"});
  if (!s.ok()) return s;
  if (!(s = block.Read("name", &t->name)).ok()) return s;
  if (t->name.empty()) return block.Error("name", "is required");
  BlockReader src = block.ChildOrEmpty("source");
  BlockReader dst = block.ChildOrEmpty("destination");
  if (!(s = src.OnlyKeys({"table", "id", "text", "filter", "watermark"})).ok()) return s;
  if (!(s = dst.OnlyKeys({"table", "key", "column", "model_column", "version_column", "text_column", "uuid_column",
                          "timestamp_column", "search_column", "chunks"})).ok()) {
    return s;
  }
  EmbeddingSource& so = t->source;
  EmbeddingDestination& de = t->destination;
  if (!(s = Identifiers(src, true, {{"table", &so.table}})).ok()) return s;
  if (!(s = Identifiers(src, false, {{"id", &so.id_column}, {"text", &so.text_column}, {"watermark", &so.watermark_column}})).ok()) return s;
  if (!(s = src.Read("filter", &so.filter)).ok()) return s;
  if (so.table.empty()) return src.Error("table", "is required");
  if (so.text_column.empty()) return src.Error("text", "is required");
  if (!(s = Identifiers(dst, true, {{"table", &de.table}})).ok()) return s;
  s = Identifiers(dst, false, {{"key", &de.key_column}, {"column", &de.column}, {"model_column", &de.model_column},
                        {"version_column", &de.version_column}, {"text_column", &de.text_column},
                        {"uuid_column", &de.uuid_column}, {"timestamp_column", &de.timestamp_column},
                        {"search_column", &de.search_column}});
  if (!s.ok()) return s;
  std::string chunks = "average";
  if (!(s = dst.Read("chunks", &chunks)).ok()) return s;
  if (chunks != "average" && chunks != "rows") return dst.Error("chunks", "\"" + chunks + "\" is not one of average, rows");
  de.row_per_chunk = chunks == "rows";
  if (de.row_per_chunk && !de.separate()) return dst.Error("chunks", "rows needs a destination table (one row per chunk)");
  if (de.separate() && de.key_column.empty()) return dst.Error("key", "is required with a destination table");
  if (!de.separate() && (!de.key_column.empty() || !de.uuid_column.empty())) {
    return dst.Error("", "key and uuid_column need a destination table (without one the vector goes into the source row)");
  }
  return Status::Ok();
}

}  // namespace

EmbeddingTarget DefaultMessagesTarget() {
  EmbeddingTarget t;
  t.name = "messages";
  t.source = {.table = "messages", .id_column = "id", .text_column = "content", .filter = ""};
  t.destination.table = "message_embeddings";
  t.destination.key_column = "message_id";
  t.destination.column = "embedding";
  t.destination.model_column = "embedding_model";
  t.destination.version_column = "embedding_version";
  t.destination.text_column = "embedded_text";
  t.destination.uuid_column = "id";  // the seed's UUID key and timestamp have no database default
  t.destination.timestamp_column = "created_at";
  t.source.watermark_column = "created_at";  // the seed's ids are random UUIDs
  return t;
}

Result<EmbeddingBackfillConfig> EmbeddingBackfillConfigFrom(const Config& config) {
  EmbeddingBackfillConfig out;
  const auto& jobs = config.tree().contains("jobs") ? config.tree()["jobs"] : nlohmann::json();
  if (!jobs.is_object() || !jobs.contains("embedding_backfill")) return out;
  auto common = ParseJobTarget(config, kEmbeddingBackfillAt, {}, {"provider", "targets", "page_size", "max_row_attempts",
                                                                          "reconcile_every", "chunk_tokens", "chunk_overlap", "max_chunks"});
  if (!common.ok()) return common.status();
  out.enabled = common->enabled;
  out.database_url = common->db_url;
  BlockReader block(config, jobs["embedding_backfill"], kEmbeddingBackfillAt);
  Status s;
  // No provider is chosen for the operator: the offline `local` vectors would quietly fill the
  // platform's tables with vectors its similarity search cannot compare with its own.
  const char* kChoices =
      "openai (an OpenAI-compatible /v1/embeddings), ollama, or local (offline feature hashing, for trials: its "
      "vectors are not comparable with a model's)";
  if (!block.Has("provider")) return block.Error("", std::string("provider: {kind: ...} is required, kind one of ") + kChoices);
  if (!block.ChildOrEmpty("provider").Has("kind")) return block.ChildOrEmpty("provider").Error("kind", std::string("is required: ") + kChoices);
  for (Status step : {block.Read("page_size", &out.page_size, 1, 100000), block.Read("max_row_attempts", &out.max_row_attempts, 1, 1000),
                      ParseProvider(block.ChildOrEmpty("provider"), &out.provider), block.Read("reconcile_every", &out.reconcile_every),
                      block.Read("chunk_tokens", &out.chunk_tokens, 1, 1000000), block.Read("chunk_overlap", &out.chunk_overlap, 0, 1000000),
                      block.Read("max_chunks", &out.max_chunks, 1, 1000)}) {
    if (!step.ok()) return step;
  }
  if (out.reconcile_every.count() < 0) return block.Error("reconcile_every", "must not be negative");
  if (out.chunk_tokens == 0) out.chunk_tokens = out.provider.max_input_tokens;
  if (out.chunk_tokens > out.provider.max_input_tokens) {
    return block.Error("chunk_tokens", "is more than provider.max_input_tokens (" + std::to_string(out.provider.max_input_tokens) + ")");
  }
  if (!block.Has("chunk_overlap")) out.chunk_overlap = std::min(out.chunk_overlap, out.chunk_tokens / 4);
  if (out.chunk_overlap * 2 > out.chunk_tokens) return block.Error("chunk_overlap", "must be at most half of chunk_tokens");
  if (!block.Has("targets")) {
    out.targets.push_back(DefaultMessagesTarget());
    return out;
  }
  BlockReader targets = block.ChildOrEmpty("targets");
  if (!targets.value().is_array() || targets.value().empty()) return block.Error("targets", "expected a non-empty list");
  for (size_t i = 0; i < targets.value().size(); ++i) {
    EmbeddingTarget t;
    if (!(s = ParseTarget(targets.Element(i), &t)).ok()) return s;
    for (const auto& other : out.targets) {
      if (other.name == t.name) return targets.Element(i).Error("name", "duplicate target name");
    }
    out.targets.push_back(std::move(t));
  }
  return out;
}

}  // namespace vigil

#include "jobs/maintenance/citation_config.h"

#include "config/block_reader.h"
#include "jobs/maintenance/maintenance_job.h"

namespace vigil {
namespace {

Status BaseUrl(const BlockReader& parent, const char* service, std::string* out) {
  BlockReader block = parent.ChildOrEmpty(service);
  Status s = block.OnlyKeys({"base_url", "api_key", "api_key_file"});
  if (!s.ok()) return s;
  if (!(s = block.Read("base_url", out)).ok()) return s;
  while (!out->empty() && out->back() == '/') out->pop_back();
  return Status::Ok();
}

Status Urls(const BlockReader& block, CitationVerificationConfig* c) {
  Status s = block.OnlyKeys({"enabled", "allow_hosts"});
  if (!s.ok()) return s;
  if (!(s = block.Read("enabled", &c->check_urls)).ok()) return s;
  if (!block.Has("allow_hosts")) return Status::Ok();
  const auto& hosts = block.value()["allow_hosts"];
  if (!hosts.is_array()) return block.Error("allow_hosts", "expected a list of host names");
  for (const auto& h : hosts) {
    if (!h.is_string() || h.get<std::string>().empty()) return block.Error("allow_hosts", "expected a list of host names");
    c->allow_hosts.push_back(h.get<std::string>());
  }
  return Status::Ok();
}

constexpr const char* kAt = "jobs.citation_verification";

// `table: NAME`: shorthand for tables.message_citations.name.
Status TableShorthand(const Config& config, const BlockReader& block, CitationVerificationConfig* c) {
  if (!block.Has("table")) return Status::Ok();
  if (block.Has("tables")) return block.Error("table", "give table or tables, not both");
  std::string name;
  Status s = block.Read("table", &name);
  if (!s.ok()) return s;
  if (!IsQualifiedSqlIdentifier(name)) return block.Error("table", "\"" + name + "\" is not a plain SQL identifier");
  auto mapping = TableMapping::Parse(CitationTables(), {{"message_citations", name}}, config, std::string(kAt) + ".table");
  if (!mapping.ok()) return mapping.status();
  c->tables = std::move(*mapping);
  return Status::Ok();
}

Status ParseTarget(const BlockReader& block, CitationListTarget* t) {
  Status s = block.OnlyKeys({"name", "source", "community", "annotate"});
  if (!s.ok()) return s;
  BlockReader src = block.ChildOrEmpty("source");
  for (Status step : {block.Read("name", &t->name), block.Read("community", &t->community), block.Read("annotate", &t->annotate),
                      src.OnlyKeys({"table", "id", "citations", "community", "filter"}), ReadSqlIdentifier(src, "table", true, &t->table),
                      ReadSqlIdentifier(src, "id", false, &t->id_column), ReadSqlIdentifier(src, "citations", false, &t->citations_column),
                      ReadSqlIdentifier(src, "community", false, &t->community_column), src.Read("filter", &t->filter)}) {
    if (!step.ok()) return step;
  }
  if (t->name.empty()) return block.Error("name", "is required");
  if (t->table.empty()) return src.Error("table", "is required");
  if (t->citations_column.empty()) return src.Error("citations", "is required (the column holding the JSON list)");
  return Status::Ok();
}

Status Targets(const BlockReader& block, CitationVerificationConfig* c) {
  if (!block.Has("targets")) return Status::Ok();
  BlockReader targets = block.ChildOrEmpty("targets");
  if (!targets.value().is_array() || targets.value().empty()) return block.Error("targets", "expected a non-empty list");
  for (size_t i = 0; i < targets.value().size(); ++i) {
    CitationListTarget t;
    Status s = ParseTarget(targets.Element(i), &t);
    if (!s.ok()) return s;
    for (const auto& other : c->targets) {
      if (other.name == t.name) return targets.Element(i).Error("name", "duplicate target name");
    }
    c->targets.push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace

const std::vector<TableDefaults>& CitationTables() {
  static const std::vector<TableDefaults> kTables = {
      {"message_citations",
       {"id", "message_id", "citation_text", "source_url", "source_title", "verified", "verification_method",
        "verification_confidence", "verified_at"}},
      // Optional: when it has citations_verified, a message whose citations are all checked gets it set.
      {"messages", {"id", "citations_verified"}},
      {"memory_annotations", {"id", "memory_id", "annotation_type", "content", "created_by", "timestamp"}}};
  return kTables;
}

Result<CitationVerificationConfig> CitationVerificationConfigFrom(const Config& config) {
  CitationVerificationConfig c;
  const auto& tree = config.tree();
  if (!tree.contains("jobs") || !tree["jobs"].is_object() || !tree["jobs"].contains("citation_verification")) return c;
  auto common = ParseJobTarget(config, kAt, CitationTables(),
                               {"table", "batch_size", "recheck_after", "negative_cache", "min_confidence", "mailto", "timeout",
                                "crossref", "pubmed", "arxiv", "urls", "community", "targets"});
  if (!common.ok()) return common.status();
  c.enabled = common->enabled;
  c.database_url = common->db_url;
  c.tables = std::move(common->tables);
  BlockReader block(config, tree["jobs"]["citation_verification"], kAt);
  c.sources.mailto = config.GetString("http.contact_email");
  for (Status step : {TableShorthand(config, block, &c), block.Read("batch_size", &c.batch_size, 1, 10000),
                      block.Read("recheck_after", &c.recheck_after), block.Read("negative_cache", &c.negative_cache),
                      block.Read("min_confidence", &c.min_confidence, 0, 1), block.Read("mailto", &c.sources.mailto),
                      block.Read("timeout", &c.sources.timeout), BaseUrl(block, "crossref", &c.sources.crossref_base),
                      BaseUrl(block, "pubmed", &c.sources.pubmed_base), BaseUrl(block, "arxiv", &c.sources.arxiv_base),
                      block.ChildOrEmpty("pubmed").Read("api_key", &c.sources.pubmed_api_key), Urls(block.ChildOrEmpty("urls"), &c), block.Read("community", &c.community), Targets(block, &c)}) {
    if (!step.ok()) return step;
  }
  return c;
}

}  // namespace vigil

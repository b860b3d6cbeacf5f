#include "jobs/maintenance/citation_config.h"

#include "config/config_block.h"
#include "jobs/maintenance/maintenance_job.h"

namespace vigil {
namespace {

Status BaseUrl(const ConfigBlock& parent, const char* service, std::string* out) {
  ConfigBlock block = parent.Child(service);
  Status s = block.OnlyKeys({"base_url", "api_key", "api_key_file"});
  if (!s.ok()) return s;
  if (!(s = block.String("base_url", out)).ok()) return s;
  while (!out->empty() && out->back() == '/') out->pop_back();
  return Status::Ok();
}

Status Urls(const ConfigBlock& block, CitationVerificationConfig* c) {
  Status s = block.OnlyKeys({"enabled", "allow_hosts"});
  if (!s.ok()) return s;
  if (!(s = block.Bool("enabled", &c->check_urls)).ok()) return s;
  if (!block.Has("allow_hosts")) return Status::Ok();
  const auto& hosts = block.value()["allow_hosts"];
  if (!hosts.is_array()) return block.Fail("allow_hosts", "expected a list of host names");
  for (const auto& h : hosts) {
    if (!h.is_string() || h.get<std::string>().empty()) return block.Fail("allow_hosts", "expected a list of host names");
    c->allow_hosts.push_back(h.get<std::string>());
  }
  return Status::Ok();
}

constexpr const char* kAt = "jobs.citation_verification";

// `table: NAME`: shorthand for tables.message_citations.name.
Status TableShorthand(const Config& config, const ConfigBlock& block, CitationVerificationConfig* c) {
  if (!block.Has("table")) return Status::Ok();
  if (block.Has("tables")) return block.Fail("table", "give table or tables, not both");
  std::string name;
  Status s = block.String("table", &name);
  if (!s.ok()) return s;
  if (!IsQualifiedSqlIdentifier(name)) return block.Fail("table", "\"" + name + "\" is not a plain SQL identifier");
  auto mapping = TableMapping::Parse(CitationTables(), {{"message_citations", name}}, config, std::string(kAt) + ".table");
  if (!mapping.ok()) return mapping.status();
  c->tables = std::move(*mapping);
  return Status::Ok();
}

}  // namespace

const std::vector<TableDefaults>& CitationTables() {
  static const std::vector<TableDefaults> kTables = {
      {"message_citations",
       {"id", "citation_text", "source_url", "source_title", "verified", "verification_method", "verification_confidence",
        "verified_at"}}};
  return kTables;
}

Result<CitationVerificationConfig> CitationVerificationConfigFrom(const Config& config) {
  CitationVerificationConfig c;
  const auto& tree = config.tree();
  if (!tree.contains("jobs") || !tree["jobs"].is_object() || !tree["jobs"].contains("citation_verification")) return c;
  auto common = ParseJobTarget(config, kAt, CitationTables(),
                               {"table", "batch_size", "recheck_after", "negative_cache", "min_confidence", "mailto", "timeout",
                                "crossref", "pubmed", "arxiv", "urls"});
  if (!common.ok()) return common.status();
  c.enabled = common->enabled;
  c.database_url = common->db_url;
  c.tables = std::move(common->tables);
  ConfigBlock block(config, tree["jobs"]["citation_verification"], kAt);
  c.sources.mailto = config.GetString("http.contact_email");
  for (Status step : {TableShorthand(config, block, &c), block.Int("batch_size", &c.batch_size, 1, 10000),
                      block.Duration("recheck_after", &c.recheck_after), block.Duration("negative_cache", &c.negative_cache),
                      block.Double("min_confidence", &c.min_confidence, 0, 1), block.String("mailto", &c.sources.mailto),
                      block.Duration("timeout", &c.sources.timeout), BaseUrl(block, "crossref", &c.sources.crossref_base),
                      BaseUrl(block, "pubmed", &c.sources.pubmed_base), BaseUrl(block, "arxiv", &c.sources.arxiv_base),
                      block.Child("pubmed").Secret("api_key", &c.sources.pubmed_api_key), Urls(block.Child("urls"), &c)}) {
    if (!step.ok()) return step;
  }
  return c;
}

}  // namespace vigil

// The `jobs.citation_verification` block (docs/maintenance-embeddings-citations.md), parsed and
// validated with file:line errors. The common keys (`enabled`, `database`, `tables`, the
// schedule's) are read by ParseJobTarget like every maintenance job's. The table is the
// platform's message_citations (seeds/001), mapped like the other jobs' tables
// (`tables: {message_citations: {name: ..., columns: {...}}}`); `table: NAME` is shorthand for
// renaming it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "jobs/maintenance/citation_record.h"
#include "jobs/maintenance/table_mapping.h"

namespace vigil {

// message_citations and the columns the job reads and writes, by their seed names; messages
// (optional, citations_verified) and memory_annotations (seeds/000, written only for targets with
// `annotate: true`).
const std::vector<TableDefaults>& CitationTables();

// A platform table whose rows hold their citations in a JSON list (seeds/000 posts.citations,
// synthesis_memories.citations_used). Verdicts go to vigil_citation_checks.
struct CitationListTarget {
  std::string name;                // names the target in vigil_citation_checks and the summary
  std::string table;               // `schema.` allowed
  std::string id_column = "id";
  std::string citations_column;    // the JSON list
  std::string community_column;    // optional: a column holding the community's name (subreddit_name)
  std::string filter;              // SQL condition, as written (the operator's, never data's)
  std::string community;           // the community when the row names none ("" for none)
  bool annotate = false;           // a retracted work gets an `outdated` memory_annotations row per row citing it
};

struct CitationVerificationConfig {
  bool enabled = false;                     // the block is present and not `enabled: false`
  std::string database_url;                 // "" = vigil's own database
  TableMapping tables = TableMapping::Defaults(CitationTables());
  int batch_size = 100;                     // citations read per page
  std::chrono::milliseconds recheck_after{30LL * 86400 * 1000};  // verified rows are checked again after this
  std::chrono::milliseconds negative_cache{86400 * 1000};         // "no such record" is believed this long
  double min_confidence = 0.7;
  bool check_urls = true;
  std::vector<std::string> allow_hosts;     // URL checks: hosts exempt from the public-address rule
  CitationSources sources;
  std::string community;                    // who hears of a retraction cited in message_citations ("" for no one)
  std::vector<CitationListTarget> targets;  // JSON-list targets; with any, message_citations is checked only if it exists
};

Result<CitationVerificationConfig> CitationVerificationConfigFrom(const Config& config);

}  // namespace vigil

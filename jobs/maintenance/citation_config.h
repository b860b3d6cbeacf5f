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

// message_citations and the columns the job reads and writes, by their seed names.
const std::vector<TableDefaults>& CitationTables();

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
};

Result<CitationVerificationConfig> CitationVerificationConfigFrom(const Config& config);

}  // namespace vigil

// The `jobs.citation_verification` block (docs/maintenance-embeddings-citations.md), parsed and
// validated with file:line errors. The table is the platform's message_citations (seeds/001);
// its name is configurable, its columns are the seed's. (To be unified with jobs/table_mapping.)
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "jobs/citation_record.h"

namespace vigil {

struct CitationVerificationConfig {
  bool enabled = false;
  std::string database_url;                 // "" = vigil's own database
  std::string table = "message_citations";
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

// BackupCoverage: the core of the context_backup_coverage job, over the platform's tables
// (seeds/003: messages, model_runs, token_counters, context_backups; names via TableMapping).
//
// A (model M, conversation C) pair exists when M appears for C in model_runs or token_counters.
// Its backup is valid when the newest context_backups.created_at for (M, C) is later than the
// newest messages.created_at for C (a conversation without messages needs no backup). For each
// invalid pair the job decrypts C's messages since that backup in memory, gives them and the
// pair's previous note to the generator for a handoff note (extractive_handoff.h by default: no
// network), and in one transaction inserts it (trigger 'coverage_job_stale', token_estimate
// chars / 4, the next thread_number) and resets the pair's token_counters row (created if
// missing). A message whose Fernet token fails is counted and left out; a pair that fails is
// counted and the run goes on.
//
// Threads: one object per run, on the thread that owns `db`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "jobs/maintenance/fernet.h"
#include "jobs/maintenance/handoff_generator.h"
#include "jobs/maintenance/maintenance_job.h"
#include "jobs/maintenance/table_mapping.h"
#include "store/sql.h"

namespace vigil {

// The seed's names of the tables and columns this job reads and writes.
const std::vector<TableDefaults>& BackupCoverageTables();

struct CoveragePair {
  std::string conversation_id;
  std::string model_id;
  std::optional<double> last_backup;   // newest backup of the pair, Unix seconds
  std::optional<double> last_message;  // newest message of the conversation
  bool valid() const { return !last_message || (last_backup && *last_backup > *last_message); }
};

struct BackupCoverageReport {
  size_t pairs = 0;
  size_t valid_before = 0;
  size_t valid_after = 0;
  size_t notes_written = 0;
  size_t failed_pairs = 0;
  size_t skipped_messages = 0;  // tokens that failed to decrypt
  size_t incomplete_notes = 0;  // notes stored with sections the generator did not write
  std::string generator;        // HandoffGenerator::kind()
  std::vector<std::string> errors;  // "conversation/model: why" (never message content)

  static double Ratio(size_t valid, size_t all) { return all == 0 ? 1.0 : static_cast<double>(valid) / all; }
  nlohmann::json ToJson() const;
};

class BackupCoverage {
 public:
  BackupCoverage(SqlConnection& db, const TableMapping& tables, const FernetKey& key, HandoffGenerator& generator)
      : db_(db), t_(tables), key_(key), generator_(generator) {}

  // Every pair with its validity figures.
  Result<std::vector<CoveragePair>> ScanPairs();
  // Finds and fills the gaps; an error only when the tables cannot be read at all.
  Result<BackupCoverageReport> Run(const ProgressFn& progress, const CancelToken* cancel);

 private:
  Status CoverPair(const CoveragePair& pair, BackupCoverageReport* report, const CancelToken* cancel);
  Result<std::vector<ChatMessage>> DecryptedMessagesSince(const CoveragePair& pair, BackupCoverageReport* report);
  Result<std::string> PreviousNote(const CoveragePair& pair);
  Status WriteNote(const CoveragePair& pair, const std::string& note);

  SqlConnection& db_;
  const TableMapping& t_;
  const FernetKey& key_;
  HandoffGenerator& generator_;
};

}  // namespace vigil

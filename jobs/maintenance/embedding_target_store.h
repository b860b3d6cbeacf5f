// EmbeddingTargetStore: the SQL of one embedding target. It pages through the source table by
// id (keyset: `id > last ORDER BY id LIMIT n`, so memory is one page however big the table),
// tells which rows need a vector (none yet, or one from another model or dimension), writes a
// batch of vectors in one transaction, and keeps vigil's own bookkeeping: which model embedded a
// row when the destination has no model column (vigil_embedding_records), rows the provider keeps
// refusing (vigil_embedding_failures) and where an interrupted pass stopped
// (vigil_embedding_cursors).
//
// `platform` holds the target's tables, `vigil` holds vigil's; they may be the same connection.
// Threads: both connections belong to the calling thread for the store's lifetime.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "jobs/maintenance/embedding_config.h"
#include "jobs/maintenance/vector_column.h"
#include "store/sql.h"

namespace vigil {

struct SourceRow {
  SqlValue id;              // as the driver returned it (int64 on SQLite, text on PostgreSQL)
  std::string id_text;
  std::string text;
  bool had_failure = false;  // a vigil_embedding_failures row exists for it
  bool has_destination_row = true;  // separate table: a row for this id existed when the page was read
};

struct SourcePage {
  std::vector<SourceRow> pending;  // rows of the page that need a vector, in id order
  size_t scanned = 0;              // rows of the page
  size_t blocked = 0;              // pending rows skipped: refused max_row_attempts times already
  std::string last_id;             // id of the page's last row ("" for an empty page: the pass is over)
};

// What a model writes: its name, and its dimension when known in advance (0 otherwise).
struct ModelStamp {
  std::string model;
  int dimension = 0;
};

class EmbeddingTargetStore {
 public:
  EmbeddingTargetStore(const EmbeddingTarget& target, SqlConnection& platform, SqlConnection& vigil, ModelStamp stamp,
                       int max_row_attempts);

  // Checks the target's tables and columns exist and learns the vector column's type.
  // Returns "" when ready, else what is missing ("table messages does not exist").
  Result<std::string> Prepare();

  // The next page of source rows after `after_id` ("" = from the start).
  Result<SourcePage> NextPage(const std::string& after_id, int page_size);

  // Stores `vectors[i]` for `rows[i]` in one transaction; clears their failure records.
  Status WriteBatch(const std::vector<SourceRow>& rows, const std::vector<std::vector<float>>& vectors, TimePoint now);
  // Counts one more refusal of `row`.
  Status RecordFailure(const SourceRow& row, const std::string& error, TimePoint now);

  // Resuming an interrupted pass: "" when there is none.
  Result<std::string> LoadCursor();
  Status SaveCursor(const std::string& last_id, TimePoint now);
  Status ClearCursor();

  const EmbeddingTarget& target() const { return target_; }

 private:
  std::string PageSql(bool after, std::vector<SqlValue>* params) const;
  std::string FreshnessCondition(const std::string& alias, std::vector<SqlValue>* params) const;
  Status MarkRecordedModels(std::vector<SourceRow>* rows, std::vector<bool>* has_vector);
  Status MarkFailures(std::vector<SourceRow>* rows, size_t* blocked);
  Status WriteRow(const SourceRow& row, const std::vector<float>& vector, TimePoint now);
  Status WriteRecords(SqlConnection& db, const std::vector<SourceRow>& rows, int dimension, TimePoint now);

  EmbeddingTarget target_;
  SqlConnection& platform_;
  SqlConnection& vigil_;
  ModelStamp stamp_;
  int max_row_attempts_;
  VectorColumn column_;
};

}  // namespace vigil

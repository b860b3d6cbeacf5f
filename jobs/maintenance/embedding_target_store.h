// EmbeddingTargetStore: the SQL of one embedding target. It pages through the source table,
// either by id over the whole table (a reconcile pass: keyset `id > last ORDER BY id LIMIT n`) or
// past a watermark in (watermark, id) order (a pass over the rows added since the last one), so
// memory is one page however big the table; tells which rows need a vector (none yet, one from
// another model or dimension, or one embedded from a text that has changed since: the text's
// hash is kept in vigil_embedding_records); writes a batch of vectors in one transaction; removes
// the vectors of deleted source rows; and keeps vigil's bookkeeping: rows the provider keeps
// refusing (vigil_embedding_failures), where an interrupted reconcile pass stopped
// (vigil_embedding_cursors) and the watermark (vigil_embedding_marks).
//
// Reading and writing are in embedding_target_store.cpp; the watermark, the reconcile pass's
// bookkeeping and the sweep of deleted rows in embedding_target_sync.cpp.
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
  std::string hash;         // of `text` (hex SHA-256): kept in the row's record once embedded
  std::vector<std::string> chunks;  // what is sent to the provider (filled when queued)
  bool had_failure = false;  // a vigil_embedding_failures row exists for it
  bool has_destination_row = true;  // separate table: a row for this id existed when the page was read
};

struct SourcePage {
  std::vector<SourceRow> pending;  // rows of the page that need a vector, in id order
  size_t scanned = 0;              // rows of the page
  size_t blocked = 0;              // pending rows skipped: refused max_row_attempts times already
  std::string last_id;             // id of the page's last row ("" for an empty page: the pass is over)
  std::string last_mark;           // its watermark value (passes by watermark)
  size_t changed = 0;              // pending rows whose vector was made from another text
  size_t adopted = 0;              // rows with a current vector but no hash yet: their record written
};

// A position in (watermark, id) order.
struct WatermarkPosition {
  std::string value;
  std::string id;
};

// Where the passes of a target stand (vigil_embedding_marks).
struct EmbeddingMarks {
  std::optional<WatermarkPosition> mark;     // passes by watermark read past this
  std::optional<WatermarkPosition> pending;  // the source's end when the reconcile under way began
  std::optional<TimePoint> reconciled_at;    // the last reconcile pass's end
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

  // The next page of source rows after `after_id` ("" = from the start), in id order.
  Result<SourcePage> NextPage(const std::string& after_id, int page_size);
  // The next page past `after` (nullopt = from the start) in (watermark, id) order; rows whose
  // watermark is NULL are left to reconcile passes.
  Result<SourcePage> NextPageByMark(const std::optional<WatermarkPosition>& after, int page_size);

  // Stores `vectors[i]` for `rows[i]` in one transaction (one vector per row, or one per chunk
  // for a destination with a row per chunk); records the rows' hashes; clears their failures.
  Status WriteBatch(const std::vector<SourceRow>& rows, const std::vector<std::vector<std::vector<float>>>& vectors, TimePoint now);
  // Counts one more refusal of `row`.
  Status RecordFailure(const SourceRow& row, const std::string& error, TimePoint now);

  // Resuming an interrupted pass: "" when there is none.
  Result<std::string> LoadCursor();
  Status SaveCursor(const std::string& last_id, TimePoint now);
  Status ClearCursor();

  Result<EmbeddingMarks> LoadMarks();
  // The source's last position in (watermark, id) order, nullopt when it has no row.
  Result<std::optional<WatermarkPosition>> SourceEnd();
  // Where the source ends as a reconcile pass begins: kept with the pass's first saved cursor (a
  // pass killed before that starts over), or by FinishReconcile; nothing is written before.
  void SetPending(std::optional<WatermarkPosition> end) { unsaved_pending_ = std::move(end); }
  Status SaveMark(const WatermarkPosition& mark, TimePoint now);
  // A reconcile pass is over: the mark moves to where the source ended when it began.
  Status FinishReconcile(TimePoint now);

  // Removes the vectors of source rows that are gone (or no longer match the filter or have no
  // text) from a separate destination table, and their records; returns the rows removed.
  Result<int64_t> RemoveDeleted(int page_size);

  // Whether the destination has the search column it fills too (after Prepare).
  bool has_search_column() const { return search_column_.has_value(); }
  const EmbeddingTarget& target() const { return target_; }
  SqlConnection& platform() { return platform_; }

 private:
  std::string PageSql(const std::string& order, const std::string& after, std::vector<SqlValue>* params) const;
  Result<SourcePage> ReadPage(const std::string& sql, const std::vector<SqlValue>& params);
  std::string FreshnessCondition(const std::string& alias, std::vector<SqlValue>* params) const;
  Status CheckRecords(std::vector<SourceRow>* rows, std::vector<bool>* has_vector, SourcePage* page);
  Status MarkFailures(std::vector<SourceRow>* rows, size_t* blocked);
  Status WriteRow(const SourceRow& row, const std::vector<std::vector<float>>& vectors, TimePoint now);
  Status WriteRecords(SqlConnection& db, const std::vector<SourceRow>& rows, int dimension, TimePoint now);
  Result<std::vector<std::string>> GoneIds(const std::vector<std::string>& ids);
  Status SaveMarks(const char* columns, const std::optional<WatermarkPosition>& position, TimePoint now);

  EmbeddingTarget target_;
  SqlConnection& platform_;
  SqlConnection& vigil_;
  ModelStamp stamp_;
  int max_row_attempts_;
  VectorColumn column_;
  std::optional<VectorColumn> search_column_;
  std::optional<std::optional<WatermarkPosition>> unsaved_pending_;  // SetPending's, not yet written
  Status SaveUnsavedPending(TimePoint now);
  std::string MarksModel() const;  // the model and dimension the marks are kept for
};

// The hex SHA-256 of a text, as kept in vigil_embedding_records.text_hash.
std::string EmbeddedTextHash(std::string_view text);

}  // namespace vigil

// EmbeddingTargetStore's keeping in sync (embedding_target_store.h): the watermark that passes
// over new rows move, the reconcile pass's bookkeeping, and the sweep that removes the vectors of
// deleted source rows. The reading and writing of pages and batches is in embedding_target_store.cpp.
#include <functional>
#include <optional>
#include <set>

#include "common/hex.h"
#include "common/hmac.h"
#include "jobs/maintenance/embedding_target_store.h"
#include "store/db_time.h"

namespace vigil {
namespace {

std::string Param(std::vector<SqlValue>* params, SqlValue v) {
  params->push_back(std::move(v));
  return "$" + std::to_string(params->size());
}

}  // namespace

std::string EmbeddedTextHash(std::string_view text) { return HexEncode(Sha256(text)); }

Result<EmbeddingMarks> EmbeddingTargetStore::LoadMarks() {
  auto r = vigil_.Query("SELECT mark_value, mark_id, pending_value, pending_id, reconciled_at_us FROM vigil_embedding_marks "
                        "WHERE target = $1 AND model = $2",
                        {target_.name, MarksModel()});
  if (!r.ok()) return r.status();
  EmbeddingMarks marks;
  if (r->rows.empty()) return marks;
  const auto& row = r->rows[0];
  if (!row.IsNull(1)) marks.mark = WatermarkPosition{row.Text(0), row.Text(1)};
  if (!row.IsNull(3)) marks.pending = WatermarkPosition{row.Text(2), row.Text(3)};
  if (!row.IsNull(4)) marks.reconciled_at = FromMicros(row.Int(4));
  return marks;
}

Result<std::optional<WatermarkPosition>> EmbeddingTargetStore::SourceEnd() {
  const auto& s = target_.source;
  std::string wm = s.watermark();
  std::string sql = "SELECT " + wm + ", " + s.id_column + " FROM " + s.table + " WHERE " + wm + " IS NOT NULL AND " + s.text_column +
                    " IS NOT NULL";
  if (!s.filter.empty()) sql += " AND (" + s.filter + ")";
  auto r = platform_.Query(sql + " ORDER BY " + wm + " DESC, " + s.id_column + " DESC LIMIT 1");
  if (!r.ok()) return Status::Error("reading " + s.table + ": " + r.error());
  if (r->rows.empty()) return std::optional<WatermarkPosition>();
  return std::optional<WatermarkPosition>(WatermarkPosition{r->rows[0].Text(0), r->rows[0].Text(1)});
}

Status EmbeddingTargetStore::SaveMarks(const char* columns, const std::optional<WatermarkPosition>& position, TimePoint now) {
  std::string value = std::string(columns) + "_value", id = std::string(columns) + "_id";
  SqlValue v = position ? SqlValue(position->value) : SqlValue(), i = position ? SqlValue(position->id) : SqlValue();
  return vigil_.Query("INSERT INTO vigil_embedding_marks (target, model, " + value + ", " + id + ", updated_at_us) VALUES ($1, $2, $3, $4, $5) "
                      "ON CONFLICT (target, model) DO UPDATE SET " + value + " = excluded." + value + ", " + id + " = excluded." + id +
                      ", updated_at_us = excluded.updated_at_us",
                      {target_.name, MarksModel(), v, i, ToMicros(now)})
      .status();
}

Status EmbeddingTargetStore::SaveUnsavedPending(TimePoint now) {
  if (!unsaved_pending_) return Status::Ok();
  Status s = SaveMarks("pending", *unsaved_pending_, now);
  if (s.ok()) unsaved_pending_.reset();
  return s;
}

std::string EmbeddingTargetStore::MarksModel() const {
  return stamp_.dimension > 0 ? stamp_.model + "@" + std::to_string(stamp_.dimension) : stamp_.model;
}

Status EmbeddingTargetStore::SaveMark(const WatermarkPosition& mark, TimePoint now) { return SaveMarks("mark", mark, now); }

Status EmbeddingTargetStore::FinishReconcile(TimePoint now) {
  Status pending = SaveUnsavedPending(now);
  if (!pending.ok()) return pending;
  return vigil_.Query("INSERT INTO vigil_embedding_marks (target, model, reconciled_at_us, updated_at_us) VALUES ($1, $2, $3, $3) "
                      "ON CONFLICT (target, model) DO UPDATE SET mark_value = CASE WHEN vigil_embedding_marks.pending_id IS NULL "
                      "THEN vigil_embedding_marks.mark_value ELSE vigil_embedding_marks.pending_value END, "
                      "mark_id = COALESCE(vigil_embedding_marks.pending_id, vigil_embedding_marks.mark_id), "
                      "pending_value = NULL, pending_id = NULL, reconciled_at_us = excluded.reconciled_at_us, "
                      "updated_at_us = excluded.updated_at_us",
                      {target_.name, MarksModel(), ToMicros(now)})
      .status();
}

Result<std::vector<std::string>> EmbeddingTargetStore::GoneIds(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<std::string>();
  const auto& s = target_.source;
  std::vector<SqlValue> params;
  std::string list = "(";
  for (size_t i = 0; i < ids.size(); ++i) list += (i ? "," : "") + Param(&params, ids[i]);
  std::string sql = "SELECT " + s.id_column + " FROM " + s.table + " WHERE " + s.id_column + " IN " + list + ") AND " + s.text_column +
                    " IS NOT NULL";
  if (!s.filter.empty()) sql += " AND (" + s.filter + ")";
  auto r = platform_.Query(sql, params);
  if (!r.ok()) return Status::Error("reading " + s.table + ": " + r.error());
  std::set<std::string> present;
  for (const auto& row : r->rows) present.insert(row.Text(0));
  std::vector<std::string> gone;
  for (const auto& id : ids) {
    if (!present.count(id)) gone.push_back(id);
  }
  return gone;
}

Result<int64_t> EmbeddingTargetStore::RemoveDeleted(int page_size) {
  const auto& d = target_.destination;
  int64_t removed = 0;
  // Keyset over the ids a table holds; `remove` deletes the gone ones of each page.
  // `select` ends in a WHERE clause; `key` is the column it reads (an index on it keeps each page
  // a range read: the query is not wrapped, which SQLite would materialise whole per page).
  auto sweep = [&](SqlConnection& db, const std::string& select, const std::string& key, std::vector<SqlValue> fixed,
                   const std::function<Status(const std::vector<std::string>&)>& remove) -> Status {
    std::optional<std::string> after;
    while (true) {
      std::vector<SqlValue> params = fixed;
      std::string sql = select;
      if (after) sql += " AND " + key + " > " + Param(&params, *after);
      sql += " ORDER BY " + key + " LIMIT " + Param(&params, int64_t(page_size));
      auto page = db.Query(sql, params);
      if (!page.ok()) return page.status();
      if (page->rows.empty()) return Status::Ok();
      std::vector<std::string> ids;
      for (const auto& row : page->rows) ids.push_back(row.Text(0));
      after = ids.back();
      auto gone = GoneIds(ids);
      if (!gone.ok()) return gone.status();
      if (gone->empty()) continue;
      Status s = remove(*gone);
      if (!s.ok()) return s;
      if (static_cast<int>(page->rows.size()) < page_size) return Status::Ok();
    }
  };
  if (d.separate()) {
    Status s = sweep(platform_, "SELECT DISTINCT " + d.key_column + " FROM " + d.table + " WHERE " + d.key_column + " IS NOT NULL",
                     d.key_column, {},
                     [&](const std::vector<std::string>& gone) -> Status {
                       std::vector<SqlValue> params;
                       std::string list = "(";
                       for (size_t i = 0; i < gone.size(); ++i) list += (i ? "," : "") + Param(&params, gone[i]);
                       auto r = platform_.Query("DELETE FROM " + d.table + " WHERE " + d.key_column + " IN " + list + ")", params);
                       if (!r.ok()) return r.status();
                       removed += static_cast<int64_t>(gone.size());
                       return Status::Ok();
                     });
    if (!s.ok()) return s.WithContext("removing vectors of deleted rows from " + d.table);
  }
  Status s = sweep(vigil_, "SELECT row_id FROM vigil_embedding_records WHERE target = $1", "row_id", {target_.name},
                   [&](const std::vector<std::string>& gone) -> Status {
                     std::vector<SqlValue> params = {target_.name};
                     std::string list = "(";
                     for (size_t i = 0; i < gone.size(); ++i) list += (i ? "," : "") + Param(&params, gone[i]);
                     return vigil_.Query("DELETE FROM vigil_embedding_records WHERE target = $1 AND row_id IN " + list + ")", params).status();
                   });
  if (!s.ok()) return s.WithContext("removing records of deleted rows");
  return removed;
}

}  // namespace vigil

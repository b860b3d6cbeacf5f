#include "jobs/maintenance/embedding_target_store.h"

#include <map>

#include "common/utf8_cut.h"
#include "store/db_time.h"

namespace vigil {
namespace {

std::string Param(std::vector<SqlValue>* params, SqlValue v) {
  params->push_back(std::move(v));
  return "$" + std::to_string(params->size());
}

// "($3,$4,...)" for the ids of `rows`, appended to `params`.
std::string IdList(const std::vector<SourceRow>& rows, std::vector<SqlValue>* params) {
  std::string out = "(";
  for (size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + Param(params, rows[i].id_text);
  return out + ")";
}

}  // namespace

EmbeddingTargetStore::EmbeddingTargetStore(const EmbeddingTarget& target, SqlConnection& platform, SqlConnection& vigil,
                                           ModelStamp stamp, int max_row_attempts)
    : target_(target), platform_(platform), vigil_(vigil), stamp_(std::move(stamp)), max_row_attempts_(max_row_attempts) {}

Result<std::string> EmbeddingTargetStore::Prepare() {
  const auto& d = target_.destination;
  std::string vector_table = d.separate() ? d.table : target_.source.table;
  for (const std::string& table : {target_.source.table, vector_table}) {
    auto exists = platform_.TableExists(table);
    if (!exists.ok()) return exists.status();
    if (!*exists) return "table " + table + " does not exist";
  }
  auto column = ColumnVectorStorage(platform_, vector_table, d.column);
  if (!column.ok()) return column.error();
  column_ = *column;
  return std::string();
}

std::string EmbeddingTargetStore::FreshnessCondition(const std::string& alias, std::vector<SqlValue>* params) const {
  const auto& d = target_.destination;
  std::string cond = alias + d.column + " IS NOT NULL";
  if (!d.model_column.empty()) cond += " AND " + alias + d.model_column + " = " + Param(params, stamp_.model);
  if (!d.version_column.empty() && stamp_.dimension > 0) {
    cond += " AND " + alias + d.version_column + " = " + Param(params, std::to_string(stamp_.dimension));
  }
  return cond;
}

std::string EmbeddingTargetStore::PageSql(bool after, std::vector<SqlValue>* params) const {
  const auto& s = target_.source;
  const auto& d = target_.destination;
  std::string inner = "SELECT " + s.id_column + " AS vigil_id, " + s.text_column + " AS vigil_text";
  if (!d.separate()) inner += ", CASE WHEN " + FreshnessCondition("", params) + " THEN 1 ELSE 0 END AS vigil_current";
  inner += " FROM " + s.table + " WHERE " + s.text_column + " IS NOT NULL";
  if (!s.filter.empty()) inner += " AND (" + s.filter + ")";
  if (after) inner += " AND " + s.id_column + " > $0";  // numbered below, once the other params are in
  inner += " ORDER BY " + s.id_column + " LIMIT $L";
  std::string sql = inner;
  if (d.separate()) {
    sql = "SELECT s.vigil_id, s.vigil_text, (SELECT COUNT(*) FROM " + d.table + " d WHERE d." + d.key_column +
          " = s.vigil_id AND " + FreshnessCondition("d.", params) + ") AS vigil_current, (SELECT COUNT(*) FROM " + d.table + " d WHERE d." + d.key_column +
          " = s.vigil_id) AS vigil_rows FROM (" + inner +
          ") s ORDER BY s.vigil_id";
  }
  return sql;
}

Result<SourcePage> EmbeddingTargetStore::NextPage(const std::string& after_id, int page_size) {
  std::vector<SqlValue> params;
  std::string sql = PageSql(!after_id.empty(), &params);
  if (!after_id.empty()) sql.replace(sql.find("$0"), 2, Param(&params, after_id));
  sql.replace(sql.find("$L"), 2, Param(&params, int64_t(page_size)));
  auto r = platform_.Query(sql, params);
  if (!r.ok()) return Status::Error("reading " + target_.source.table + ": " + r.error());
  SourcePage page;
  page.scanned = r->rows.size();
  if (!r->rows.empty()) page.last_id = r->rows.back().Text(0);
  std::vector<SourceRow> rows;
  std::vector<bool> has_vector;
  for (const auto& row : r->rows) {
    bool current = row.Int(2) > 0;
    bool needs_record_check = current && target_.destination.model_column.empty();
    if (current && !needs_record_check) continue;
    bool destination_row = !target_.destination.separate() || row.Int(3) > 0;
    rows.push_back({row.at(0), row.Text(0), row.Text(1), false, destination_row});
    has_vector.push_back(current);
  }
  Status s = MarkRecordedModels(&rows, &has_vector);
  if (s.ok()) s = MarkFailures(&rows, &page.blocked);
  if (!s.ok()) return s;
  page.pending = std::move(rows);
  return page;
}

// Without a model column, vigil_embedding_records says which model made an existing vector;
// rows whose record matches the current model drop out of `rows`.
Status EmbeddingTargetStore::MarkRecordedModels(std::vector<SourceRow>* rows, std::vector<bool>* has_vector) {
  std::vector<SourceRow> with_vector;
  for (size_t i = 0; i < rows->size(); ++i) {
    if ((*has_vector)[i]) with_vector.push_back((*rows)[i]);
  }
  if (with_vector.empty()) return Status::Ok();
  std::vector<SqlValue> params = {target_.name, stamp_.model};
  std::string sql = "SELECT row_id FROM vigil_embedding_records WHERE target = $1 AND model = $2";
  if (stamp_.dimension > 0) sql += " AND dimension = " + Param(&params, int64_t(stamp_.dimension));
  auto r = vigil_.Query(sql + " AND row_id IN " + IdList(with_vector, &params), params);
  if (!r.ok()) return r.status();
  std::map<std::string, bool> fresh;
  for (const auto& row : r->rows) fresh[row.Text(0)] = true;
  std::erase_if(*rows, [&](const SourceRow& row) { return fresh.count(row.id_text) > 0; });
  return Status::Ok();
}

Status EmbeddingTargetStore::MarkFailures(std::vector<SourceRow>* rows, size_t* blocked) {
  if (rows->empty()) return Status::Ok();
  std::vector<SqlValue> params = {target_.name, stamp_.model};
  auto r = vigil_.Query("SELECT row_id, attempts FROM vigil_embedding_failures WHERE target = $1 AND model = $2 AND row_id IN " +
                            IdList(*rows, &params),
                        params);
  if (!r.ok()) return r.status();
  std::map<std::string, int64_t> attempts;
  for (const auto& row : r->rows) attempts[row.Text(0)] = row.Int(1);
  size_t before = rows->size();
  std::erase_if(*rows, [&](const SourceRow& row) {
    auto it = attempts.find(row.id_text);
    return it != attempts.end() && it->second >= max_row_attempts_;
  });
  *blocked = before - rows->size();
  for (auto& row : *rows) row.had_failure = attempts.count(row.id_text) > 0;
  return Status::Ok();
}

Status EmbeddingTargetStore::WriteRow(const SourceRow& row, const std::vector<float>& vector, TimePoint now) {
  const auto& d = target_.destination;
  std::vector<SqlValue> params;
  std::string value = VectorSqlExpression(column_, platform_.dialect(), vector, &params);
  std::vector<std::pair<std::string, std::string>> sets = {{d.column, value}};
  if (!d.model_column.empty()) sets.push_back({d.model_column, Param(&params, stamp_.model)});
  if (!d.version_column.empty()) sets.push_back({d.version_column, Param(&params, std::to_string(vector.size()))});
  if (!d.text_column.empty()) sets.push_back({d.text_column, Param(&params, row.text)});
  std::string assignments;
  for (const auto& [column, expr] : sets) assignments += (assignments.empty() ? "" : ", ") + column + " = " + expr;
  std::string table = d.separate() ? d.table : target_.source.table;
  std::string key = d.separate() ? d.key_column : target_.source.id_column;
  std::string id = Param(&params, row.id);
  if (row.has_destination_row) {  // known when the page was read: most first-time rows skip the UPDATE
    auto updated = platform_.Query("UPDATE " + table + " SET " + assignments + " WHERE " + key + " = " + id, params);
    if (!updated.ok()) return updated.status();
    if (updated->affected > 0 || !d.separate()) return Status::Ok();
  }
  sets.push_back({key, id});
  if (!d.uuid_column.empty()) sets.push_back({d.uuid_column, Param(&params, platform_.NewId())});
  if (!d.timestamp_column.empty()) sets.push_back({d.timestamp_column, Param(&params, SeedTimestamp(now, platform_.dialect()))});
  std::string columns, values;
  for (const auto& [column, expr] : sets) {
    columns += (columns.empty() ? "" : ", ") + column;
    values += (values.empty() ? "" : ", ") + expr;
  }
  auto inserted = platform_.Query("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")", params);
  return inserted.status();
}

Status EmbeddingTargetStore::WriteRecords(SqlConnection& db, const std::vector<SourceRow>& rows, int dimension, TimePoint now) {
  bool failures = false;
  for (const auto& row : rows) {
    failures = failures || row.had_failure;
    if (!target_.destination.model_column.empty()) continue;
    auto r = db.Query("INSERT INTO vigil_embedding_records (target, row_id, model, dimension, embedded_at_us) VALUES ($1, $2, $3, $4, $5) "
                      "ON CONFLICT (target, row_id) DO UPDATE SET model = excluded.model, dimension = excluded.dimension, "
                      "embedded_at_us = excluded.embedded_at_us",
                      {target_.name, row.id_text, stamp_.model, int64_t(dimension), ToMicros(now)});
    if (!r.ok()) return r.status();
  }
  if (!failures) return Status::Ok();
  std::vector<SqlValue> params = {target_.name};
  return db.Query("DELETE FROM vigil_embedding_failures WHERE target = $1 AND row_id IN " + IdList(rows, &params), params).status();
}

Status EmbeddingTargetStore::WriteBatch(const std::vector<SourceRow>& rows, const std::vector<std::vector<float>>& vectors,
                                        TimePoint now) {
  int dimension = vectors.empty() ? 0 : static_cast<int>(vectors[0].size());
  bool shared = &platform_ == &vigil_;
  Status s = InTransaction(platform_, true, [&]() -> Status {
    for (size_t i = 0; i < rows.size(); ++i) {
      Status w = WriteRow(rows[i], vectors[i], now);
      if (!w.ok()) return w.WithContext("writing row " + rows[i].id_text + " of " + target_.name);
    }
    return shared ? WriteRecords(platform_, rows, dimension, now) : Status::Ok();
  });
  if (!s.ok() || shared) return s;
  // Another database: a crash between the commits leaves a vector without its record, and the
  // row is embedded again next time, which is harmless.
  return InTransaction(vigil_, true, [&] { return WriteRecords(vigil_, rows, dimension, now); });
}

Status EmbeddingTargetStore::RecordFailure(const SourceRow& row, const std::string& error, TimePoint now) {
  return vigil_.Query("INSERT INTO vigil_embedding_failures (target, row_id, model, attempts, last_error, updated_at_us) "
                      "VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (target, row_id) DO UPDATE SET "
                      "attempts = CASE WHEN vigil_embedding_failures.model = excluded.model THEN vigil_embedding_failures.attempts + 1 ELSE 1 END, "
                      "model = excluded.model, last_error = excluded.last_error, updated_at_us = excluded.updated_at_us",
                      {target_.name, row.id_text, stamp_.model, std::string(CutUtf8(error, 1000)), ToMicros(now)})
      .status();
}

Result<std::string> EmbeddingTargetStore::LoadCursor() {
  auto r = vigil_.Query("SELECT last_id FROM vigil_embedding_cursors WHERE target = $1 AND model = $2", {target_.name, stamp_.model});
  if (!r.ok()) return r.status();
  return r->rows.empty() ? std::string() : r->rows[0].Text(0);
}

Status EmbeddingTargetStore::SaveCursor(const std::string& last_id, TimePoint now) {
  return vigil_.Query("INSERT INTO vigil_embedding_cursors (target, model, last_id, updated_at_us) VALUES ($1, $2, $3, $4) "
                      "ON CONFLICT (target, model) DO UPDATE SET last_id = excluded.last_id, updated_at_us = excluded.updated_at_us",
                      {target_.name, stamp_.model, last_id, ToMicros(now)})
      .status();
}

Status EmbeddingTargetStore::ClearCursor() {
  return vigil_.Query("DELETE FROM vigil_embedding_cursors WHERE target = $1 AND model = $2", {target_.name, stamp_.model}).status();
}

}  // namespace vigil

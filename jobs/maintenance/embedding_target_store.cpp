#include "jobs/maintenance/embedding_target_store.h"

#include <algorithm>
#include <map>
#include <set>

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
  search_column_.reset();
  if (!d.search_column.empty() && d.search_column != d.column) {
    auto search = FindVectorColumn(platform_, vector_table, d.search_column);
    if (!search.ok()) return search.status();
    search_column_ = *search;
  }
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

std::string EmbeddingTargetStore::PageSql(const std::string& order, const std::string& after, std::vector<SqlValue>* params) const {
  const auto& s = target_.source;
  const auto& d = target_.destination;
  std::string inner = "SELECT " + s.id_column + " AS vigil_id, " + s.text_column + " AS vigil_text, " + s.watermark() + " AS vigil_mark";
  if (!d.separate()) inner += ", CASE WHEN " + FreshnessCondition("", params) + " THEN 1 ELSE 0 END AS vigil_current";
  inner += " FROM " + s.table + " WHERE " + s.text_column + " IS NOT NULL";
  if (!s.filter.empty()) inner += " AND (" + s.filter + ")";
  if (!after.empty()) inner += " AND " + after;  // its $A / $B are numbered below, once the other params are in
  inner += " ORDER BY " + order + " LIMIT $L";
  if (!d.separate()) return inner;
  std::string outer_order = "s.vigil_id";
  if (order != s.id_column) outer_order = "s.vigil_mark, s.vigil_id";
  return "SELECT s.vigil_id, s.vigil_text, s.vigil_mark, (SELECT COUNT(*) FROM " + d.table + " d WHERE d." + d.key_column +
         " = s.vigil_id AND " + FreshnessCondition("d.", params) + ") AS vigil_current, (SELECT COUNT(*) FROM " + d.table + " d WHERE d." +
         d.key_column + " = s.vigil_id) AS vigil_rows FROM (" + inner + ") s ORDER BY " + outer_order;
}

namespace {

void Number(std::string* sql, const char* placeholder, std::vector<SqlValue>* params, SqlValue value) {
  size_t at;
  std::string name;
  bool first = true;
  while ((at = sql->find(placeholder)) != std::string::npos) {
    if (first) {
      params->push_back(std::move(value));
      name = "$" + std::to_string(params->size());
      first = false;
    }
    sql->replace(at, 2, name);
  }
}

}  // namespace

Result<SourcePage> EmbeddingTargetStore::NextPage(const std::string& after_id, int page_size) {
  std::vector<SqlValue> params;
  std::string sql = PageSql(target_.source.id_column, after_id.empty() ? "" : target_.source.id_column + " > $A", &params);
  if (!after_id.empty()) Number(&sql, "$A", &params, after_id);
  Number(&sql, "$L", &params, int64_t(page_size));
  return ReadPage(sql, params);
}

Result<SourcePage> EmbeddingTargetStore::NextPageByMark(const std::optional<WatermarkPosition>& after, int page_size) {
  const auto& s = target_.source;
  std::string wm = s.watermark();
  std::string cond = wm + " IS NOT NULL";
  if (after) cond += " AND (" + wm + " > $A OR (" + wm + " = $A AND " + s.id_column + " > $B))";
  std::vector<SqlValue> params;
  std::string sql = PageSql(wm + ", " + s.id_column, cond, &params);
  if (after) {
    Number(&sql, "$A", &params, after->value);
    Number(&sql, "$B", &params, after->id);
  }
  Number(&sql, "$L", &params, int64_t(page_size));
  return ReadPage(sql, params);
}

Result<SourcePage> EmbeddingTargetStore::ReadPage(const std::string& sql, const std::vector<SqlValue>& params) {
  auto r = platform_.Query(sql, params);
  if (!r.ok()) return Status::Error("reading " + target_.source.table + ": " + r.error());
  SourcePage page;
  page.scanned = r->rows.size();
  if (!r->rows.empty()) {
    page.last_id = r->rows.back().Text(0);
    page.last_mark = r->rows.back().Text(2);
  }
  std::vector<SourceRow> rows;
  std::vector<bool> has_vector;
  for (const auto& row : r->rows) {
    bool current = row.Int(3) > 0;
    bool destination_row = !target_.destination.separate() || row.Int(4) > 0;
    rows.push_back({row.at(0), row.Text(0), row.Text(1), EmbeddedTextHash(row.Text(1)), {}, false, destination_row});
    has_vector.push_back(current);
  }
  Status st = CheckRecords(&rows, &has_vector, &page);
  if (st.ok()) st = MarkFailures(&rows, &page.blocked);
  if (!st.ok()) return st;
  page.pending = std::move(rows);
  return page;
}

// A row with a current vector (right model and dimension) needs none if vigil_embedding_records
// holds the hash of its text; with another hash its text was edited and it is pending again.
// Where there is no record yet (a vector written by the platform, or before vigil kept hashes),
// the vector is taken to be of the present text and the record written. Without a model column
// in the destination, the record also says which model made the vector.
Status EmbeddingTargetStore::CheckRecords(std::vector<SourceRow>* rows, std::vector<bool>* has_vector, SourcePage* page) {
  std::vector<SourceRow> with_vector;
  for (size_t i = 0; i < rows->size(); ++i) {
    if ((*has_vector)[i]) with_vector.push_back((*rows)[i]);
  }
  if (with_vector.empty()) return Status::Ok();
  std::vector<SqlValue> params = {target_.name};
  auto r = vigil_.Query("SELECT row_id, model, dimension, text_hash FROM vigil_embedding_records WHERE target = $1 AND row_id IN " +
                            IdList(with_vector, &params),
                        params);
  if (!r.ok()) return r.status();
  struct Record {
    std::string model;
    int64_t dimension;
    std::string hash;
  };
  std::map<std::string, Record> records;
  for (const auto& row : r->rows) records[row.Text(0)] = {row.Text(1), row.Int(2), row.IsNull(3) ? "" : row.Text(3)};
  bool model_in_destination = !target_.destination.model_column.empty();
  std::set<std::string> fresh;
  std::vector<SourceRow> adopt;
  for (const auto& row : with_vector) {
    auto it = records.find(row.id_text);
    const Record* rec = it == records.end() ? nullptr : &it->second;
    bool model_ok = model_in_destination ||
                    (rec && rec->model == stamp_.model && (stamp_.dimension <= 0 || rec->dimension == stamp_.dimension));
    if (!model_ok) continue;  // made by another model: pending
    if (rec && !rec->hash.empty()) {
      if (rec->hash == row.hash) fresh.insert(row.id_text);
      else ++page->changed;
      continue;
    }
    fresh.insert(row.id_text);
    adopt.push_back(row);
  }
  std::erase_if(*rows, [&](const SourceRow& row) { return fresh.count(row.id_text) > 0; });
  if (adopt.empty()) return Status::Ok();
  page->adopted += adopt.size();
  int dimension = stamp_.dimension;
  auto now = std::chrono::system_clock::now();
  return InTransaction(vigil_, true, [&] { return WriteRecords(vigil_, adopt, dimension, now); });
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

Status EmbeddingTargetStore::WriteRow(const SourceRow& row, const std::vector<std::vector<float>>& vectors, TimePoint now) {
  const auto& d = target_.destination;
  std::string table = d.separate() ? d.table : target_.source.table;
  std::string key = d.separate() ? d.key_column : target_.source.id_column;
  // The SET list of one vector and its text, in `params`.
  auto assignments_for = [&](const std::vector<float>& vector, const std::string& text, std::vector<SqlValue>* params) {
    std::vector<std::pair<std::string, std::string>> sets = {{d.column, VectorSqlExpression(column_, platform_.dialect(), vector, params)}};
    if (search_column_) sets.push_back({d.search_column, VectorSqlExpression(*search_column_, platform_.dialect(), vector, params)});
    if (!d.model_column.empty()) sets.push_back({d.model_column, Param(params, stamp_.model)});
    if (!d.version_column.empty()) sets.push_back({d.version_column, Param(params, std::to_string(vector.size()))});
    if (!d.text_column.empty()) sets.push_back({d.text_column, Param(params, text)});
    return sets;
  };
  auto insert = [&](std::vector<std::pair<std::string, std::string>> sets, std::vector<SqlValue>* params) -> Status {
    sets.push_back({key, Param(params, row.id)});
    if (!d.uuid_column.empty()) sets.push_back({d.uuid_column, Param(params, platform_.NewId())});
    if (!d.timestamp_column.empty()) sets.push_back({d.timestamp_column, Param(params, SeedTimestamp(now, platform_.dialect()))});
    std::string columns, values;
    for (const auto& [column, expr] : sets) {
      columns += (columns.empty() ? "" : ", ") + column;
      values += (values.empty() ? "" : ", ") + expr;
    }
    return platform_.Query("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")", *params).status();
  };
  if (d.row_per_chunk) {  // the row's chunks replace whatever rows it had
    if (row.has_destination_row) {
      auto removed = platform_.Query("DELETE FROM " + table + " WHERE " + key + " = $1", {row.id});
      if (!removed.ok()) return removed.status();
    }
    for (size_t i = 0; i < vectors.size(); ++i) {
      std::vector<SqlValue> params;
      Status s = insert(assignments_for(vectors[i], i < row.chunks.size() ? row.chunks[i] : row.text, &params), &params);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  std::vector<SqlValue> params;
  auto sets = assignments_for(vectors.at(0), row.text, &params);
  if (row.has_destination_row) {  // known when the page was read: most first-time rows skip the UPDATE
    std::string assignments;
    for (const auto& [column, expr] : sets) assignments += (assignments.empty() ? "" : ", ") + column + " = " + expr;
    std::vector<SqlValue> update_params = params;
    std::string id = Param(&update_params, row.id);
    auto updated = platform_.Query("UPDATE " + table + " SET " + assignments + " WHERE " + key + " = " + id, update_params);
    if (!updated.ok()) return updated.status();
    if (updated->affected > 0 || !d.separate()) return Status::Ok();
  }
  return insert(std::move(sets), &params);
}

Status EmbeddingTargetStore::WriteRecords(SqlConnection& db, const std::vector<SourceRow>& rows, int dimension, TimePoint now) {
  bool failures = false;
  // One statement per 200 rows: the record of every row embedded is most of a pass's statements
  // otherwise.
  constexpr size_t kPerStatement = 200;
  for (size_t begin = 0; begin < rows.size(); begin += kPerStatement) {
    std::vector<SqlValue> params = {target_.name, stamp_.model, int64_t(dimension), ToMicros(now)};
    std::string values;
    for (size_t i = begin; i < std::min(rows.size(), begin + kPerStatement); ++i) {
      failures = failures || rows[i].had_failure;
      values += (values.empty() ? "($1, " : ", ($1, ") + Param(&params, rows[i].id_text) + ", $2, $3, $4, " + Param(&params, rows[i].hash) + ")";
    }
    auto r = db.Query("INSERT INTO vigil_embedding_records (target, row_id, model, dimension, embedded_at_us, text_hash) VALUES " + values +
                      " ON CONFLICT (target, row_id) DO UPDATE SET model = excluded.model, dimension = excluded.dimension, "
                      "embedded_at_us = excluded.embedded_at_us, text_hash = excluded.text_hash",
                      params);
    if (!r.ok()) return r.status();
  }
  if (!failures) return Status::Ok();
  std::vector<SqlValue> params = {target_.name};
  return db.Query("DELETE FROM vigil_embedding_failures WHERE target = $1 AND row_id IN " + IdList(rows, &params), params).status();
}

Status EmbeddingTargetStore::WriteBatch(const std::vector<SourceRow>& rows, const std::vector<std::vector<std::vector<float>>>& vectors,
                                        TimePoint now) {
  int dimension = vectors.empty() || vectors[0].empty() ? 0 : static_cast<int>(vectors[0][0].size());
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
  Status pending = SaveUnsavedPending(now);
  if (!pending.ok()) return pending;
  return vigil_.Query("INSERT INTO vigil_embedding_cursors (target, model, last_id, updated_at_us) VALUES ($1, $2, $3, $4) "
                      "ON CONFLICT (target, model) DO UPDATE SET last_id = excluded.last_id, updated_at_us = excluded.updated_at_us",
                      {target_.name, stamp_.model, last_id, ToMicros(now)})
      .status();
}

Status EmbeddingTargetStore::ClearCursor() {
  return vigil_.Query("DELETE FROM vigil_embedding_cursors WHERE target = $1 AND model = $2", {target_.name, stamp_.model}).status();
}

}  // namespace vigil

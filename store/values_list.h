// The VALUES list of a multi-row statement: one round trip for many rows instead of one each
// (on PostgreSQL each statement is a round trip the calling thread sleeps through).
//
//   ValuesList rows;
//   for (const auto& k : keys) rows.Add({k.community, k.key, k.event_id});
//   db.Query("INSERT INTO t (a, b, c) VALUES " + rows.sql() + " ON CONFLICT DO NOTHING", rows.params());
//
// Callers keep a statement's rows within the parameter limits (SQLite 32,766, PostgreSQL 65,535).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/sql.h"

namespace vigil {

// A PostgreSQL text[] literal of `items` ({"a","b \"c\""}), to bind as one parameter: a column's
// values for `unnest($1::text[], ...)`, a statement whose text is the same however many rows.
std::string PgTextArray(const std::vector<std::string>& items);

class ValuesList {
 public:
  // Appends "($n+1, ..., $n+k)" for a row of k values.
  void Add(std::vector<SqlValue> row) {
    sql_ += rows_++ == 0 ? "(" : ", (";
    for (size_t i = 0; i < row.size(); ++i) {
      params_.push_back(std::move(row[i]));
      sql_ += (i == 0 ? "$" : ", $") + std::to_string(params_.size());
    }
    sql_ += ")";
  }
  // Binds a value the statement uses once beside the rows ($n+1); returns its placeholder.
  std::string Bind(SqlValue value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  size_t rows() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  const std::string& sql() const { return sql_; }
  const std::vector<SqlValue>& params() const { return params_; }

 private:
  std::string sql_;
  std::vector<SqlValue> params_;
  size_t rows_ = 0;
};

// Adds each item's rows (`add(rows, item)`) and runs the statement (`run(rows)`, a Status) each
// time the list holds `per` rows or more, then for the rest: one statement per `per`-odd rows.
template <class Items, class Add, class Run>
Status InChunks(const Items& items, size_t per, Add add, Run run) {
  ValuesList rows;
  for (const auto& item : items) {
    add(rows, item);
    if (rows.rows() >= per) {
      if (Status s = run(rows); !s.ok()) return s;
      rows = ValuesList();
    }
  }
  return rows.empty() ? Status::Ok() : run(rows);
}

}  // namespace vigil

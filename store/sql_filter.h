// SqlFilter: the WHERE clause of a list query built from optional conditions, with `$N`
// placeholders numbered in the order values are added (what SqlConnection::Query expects in both
// dialects). Each condition holds one `?` for its value:
//   SqlFilter where;
//   if (!status.empty()) where.Add("n.status = ?", status);
//   std::string sql = "SELECT ... FROM notifications n" + where.Sql() + " LIMIT " + where.Bind(limit);
//   db.Query(sql, where.params());
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/sql.h"

namespace vigil {

class SqlFilter {
 public:
  // Adds `condition`, its one `?` standing for `value`.
  void Add(std::string_view condition, SqlValue value) {
    size_t at = condition.find('?');
    conditions_.push_back(std::string(condition.substr(0, at)) + Bind(std::move(value)) + std::string(condition.substr(at + 1)));
  }
  // Takes a value for elsewhere in the statement (LIMIT, say) and returns its placeholder.
  std::string Bind(SqlValue value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  // " WHERE a AND b", or "" without conditions.
  std::string Sql() const {
    std::string out;
    for (const auto& c : conditions_) out += (out.empty() ? " WHERE " : " AND ") + c;
    return out;
  }
  const std::vector<SqlValue>& params() const { return params_; }

 private:
  std::vector<std::string> conditions_;
  std::vector<SqlValue> params_;
};

}  // namespace vigil

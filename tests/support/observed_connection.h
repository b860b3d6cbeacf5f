// A connection that calls `before` ahead of each statement it passes on to the real one: how a
// test sees the statements a function runs (their plans, say) or acts between two of them.
#pragma once

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql.h"

namespace vigil::testing {

class ObservedConnection : public SqlConnection {
 public:
  using Observer = std::function<void(std::string_view sql, const std::vector<SqlValue>& params)>;
  ObservedConnection(SqlConnection& inner, Observer before) : inner_(inner), before_(std::move(before)) {
    set_uuid_form(inner.uuid_form());
  }
  std::string_view dialect() const override { return inner_.dialect(); }
  Result<SqlResult> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    if (before_) before_(sql, params);
    return inner_.Query(sql, params);
  }
  Status ExecScript(std::string_view sql) override { return inner_.ExecScript(sql); }
  Status LimitStatementTime(std::chrono::milliseconds limit) override { return inner_.LimitStatementTime(limit); }
  bool healthy() const override { return inner_.healthy(); }
  Result<bool> TableExists(const std::string& name) override { return inner_.TableExists(name); }

 protected:
  Status DoBegin(bool immediate) override { return inner_.Begin(immediate); }
  Status DoCommit() override { return inner_.Commit(); }
  Status DoRollback() override { return inner_.Rollback(); }

 private:
  SqlConnection& inner_;
  Observer before_;
};

}  // namespace vigil::testing

#include "store/sql.h"

#include <cstdlib>

#include "store/postgres/pg_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace vigil {

int64_t SqlRow::Int(size_t i) const {
  const auto& v = values_.at(i);
  if (auto* p = std::get_if<int64_t>(&v)) return *p;
  if (auto* p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto* p = std::get_if<std::string>(&v)) return std::strtoll(p->c_str(), nullptr, 10);
  return 0;
}

double SqlRow::Double(size_t i) const {
  const auto& v = values_.at(i);
  if (auto* p = std::get_if<double>(&v)) return *p;
  if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto* p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string SqlRow::Text(size_t i) const {
  const auto& v = values_.at(i);
  if (auto* p = std::get_if<std::string>(&v)) return *p;
  if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto* p = std::get_if<double>(&v)) return std::to_string(*p);
  if (auto* p = std::get_if<SqlBlob>(&v)) return p->bytes;
  return "";
}

bool SqlRow::Bool(size_t i) const {
  const auto& v = values_.at(i);
  if (auto* p = std::get_if<std::string>(&v)) return *p == "t" || *p == "true" || *p == "1";
  return Int(i) != 0;
}

std::optional<std::string> SqlRow::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<std::unique_ptr<SqlConnection>> OpenSqlConnection(const std::string& url, int busy_timeout_ms,
                                                         UuidForm sqlite_uuid_form, bool read_only) {
  auto dialect = DialectOfUrl(url);
  if (!dialect.ok()) return dialect.status();
  if (*dialect == "sqlite") {
    std::string path = url.substr(7);
    if (path.starts_with("//")) path = path.substr(2);
    auto db = read_only ? OpenSqliteReadOnly(path, busy_timeout_ms) : OpenSqliteConnection(path, busy_timeout_ms);
    if (db.ok()) (*db)->set_uuid_form(sqlite_uuid_form);
    return db;
  }
  return OpenPgConnection(url, read_only);
}

Status RelaxCommitSync(SqlConnection& db) {
  if (db.dialect() == "postgres") return db.ExecScript("SET synchronous_commit = off");
  return SyncSqliteCommits(db, false);  // NORMAL without the sync after each commit, in WAL mode only
}

Status RestoreCommitSync(SqlConnection& db) {
  if (db.dialect() == "postgres") return db.ExecScript("SET synchronous_commit = on");
  return SyncSqliteCommits(db, true);
}

}  // namespace vigil

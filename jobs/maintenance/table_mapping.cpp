#include "jobs/maintenance/table_mapping.h"

#include "config/key_hint.h"

#include <algorithm>

namespace vigil {

bool IsSqlIdentifier(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  return !std::isdigit(static_cast<unsigned char>(name[0])) && std::all_of(name.begin(), name.end(), word);
}

bool IsQualifiedSqlIdentifier(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos) return IsSqlIdentifier(name);
  return IsSqlIdentifier(name.substr(0, dot)) && IsSqlIdentifier(name.substr(dot + 1));
}

TableMapping TableMapping::Defaults(const std::vector<TableDefaults>& defaults) {
  TableMapping m;
  for (const auto& d : defaults) {
    Names& n = m.tables_[d.table];
    n.table = d.table;
    for (const auto& c : d.columns) n.columns[c] = c;
  }
  return m;
}

Result<TableMapping> TableMapping::Parse(const std::vector<TableDefaults>& defaults, const nlohmann::json& block,
                                         const Config& config, const std::string& at) {
  TableMapping m = Defaults(defaults);
  auto fail = [&](const std::string& path, const std::string& msg) {
    return config.ErrorAt(path, msg);
  };
  auto name_of = [&](const nlohmann::json& v, const std::string& path, std::string* out, bool table = false) -> Status {
    if (!v.is_string() || !(table ? IsQualifiedSqlIdentifier(v.get<std::string>()) : IsSqlIdentifier(v.get<std::string>())))
      return fail(path, std::string("expected an SQL identifier (letters, digits, '_'; not starting with a digit") +
                            (table ? "; one schema. prefix allowed)" : ")"));
    *out = v.get<std::string>();
    return Status::Ok();
  };
  if (block.is_null()) return m;
  if (!block.is_object()) return fail(at, "expected a map of table names");
  for (auto it = block.begin(); it != block.end(); ++it) {
    std::string path = at + "." + it.key();
    auto found = m.tables_.find(it.key());
    if (found == m.tables_.end()) return fail(path, "unknown table (known: the seed's table names)");
    Names& names = found->second;
    const auto& v = it.value();
    if (v.is_string()) {  // shorthand: `messages: chat_messages`
      Status s = name_of(v, path, &names.table, true);
      if (!s.ok()) return s;
      continue;
    }
    if (!v.is_object()) return fail(path, "expected a table name or a map with name and columns");
    for (auto kv = v.begin(); kv != v.end(); ++kv) {
      if (kv.key() != "name" && kv.key() != "columns") return fail(path + "." + kv.key(), UnknownKeyMessage(kv.key(), {"name", "columns"}));
    }
    if (v.contains("name")) {
      Status s = name_of(v["name"], path + ".name", &names.table, true);
      if (!s.ok()) return s;
    }
    const auto& cols = v.value("columns", nlohmann::json::object());
    if (!cols.is_object()) return fail(path + ".columns", "expected a map of column names");
    for (auto c = cols.begin(); c != cols.end(); ++c) {
      std::string cpath = path + ".columns." + c.key();
      if (!names.columns.count(c.key())) return fail(cpath, "unknown column of " + it.key());
      Status s = name_of(c.value(), cpath, &names.columns[c.key()]);
      if (!s.ok()) return s;
    }
  }
  return m;
}

std::string TableMapping::T(const std::string& table) const {
  std::string name = tables_.at(table).table;
  auto dot = name.find('.');
  if (dot == std::string::npos) return "\"" + name + "\"";
  return "\"" + name.substr(0, dot) + "\".\"" + name.substr(dot + 1) + "\"";
}

std::string TableMapping::C(const std::string& table, const std::string& column) const {
  return "\"" + tables_.at(table).columns.at(column) + "\"";
}

std::string TableMapping::Name(const std::string& table) const { return tables_.at(table).table; }

std::vector<std::string> TableMapping::TableNames() const {
  std::vector<std::string> out;
  for (const auto& [logical, names] : tables_) out.push_back(names.table);
  return out;
}

Status ReadSqlIdentifier(const BlockReader& block, const std::string& key, bool qualified, std::string* out) {
  Status s = block.Read(key, out);
  if (!s.ok()) return s;
  if (!out->empty() && !(qualified ? IsQualifiedSqlIdentifier(*out) : IsSqlIdentifier(*out))) {
    return block.Error(key, "\"" + *out + "\" is not a plain SQL identifier");
  }
  return Status::Ok();
}

}  // namespace vigil

// TableMapping: the names a maintenance job uses for the platform's tables and columns, with the
// seed's names as defaults and overrides from the job's config block:
//
//   tables:
//     messages: {name: chat_messages, columns: {created_at: ts}}   # name may be schema.table
//
// Every name is checked to be a plain SQL identifier and is handed out double-quoted, so a
// mapping can never inject SQL and reserved words (`trigger`) are safe in both dialects.
// Immutable after Parse; any thread may read it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/block_reader.h"
#include "config/config.h"

namespace vigil {

// One logical table and its columns, by their seed names.
struct TableDefaults {
  std::string table;
  std::vector<std::string> columns;
};

class TableMapping {
 public:
  // Builds the mapping from `defaults` and the optional `block` (the `tables:` value, may be
  // null). `at` is the block's concrete config path: errors read "file:line:col: at.x: ...".
  // Errors: a table or column not in `defaults`, a name that is not an identifier.
  static Result<TableMapping> Parse(const std::vector<TableDefaults>& defaults, const nlohmann::json& block,
                                    const Config& config, const std::string& at);
  // The seed's names unchanged.
  static TableMapping Defaults(const std::vector<TableDefaults>& defaults);

  // Quoted table name for SQL text ("schema"."table" when mapped to a qualified name). Requires a
  // logical table known to the defaults.
  std::string T(const std::string& table) const;
  // Quoted column name of a logical table.
  std::string C(const std::string& table, const std::string& column) const;
  // Unquoted name of a logical table (for TableExists).
  std::string Name(const std::string& table) const;
  // Unquoted names of every mapped table (for TableExists).
  std::vector<std::string> TableNames() const;

 private:
  struct Names {
    std::string table;
    std::map<std::string, std::string> columns;
  };
  std::map<std::string, Names> tables_;
};

// True for [A-Za-z_][A-Za-z0-9_]* of at most 63 characters (PostgreSQL's identifier limit).
bool IsSqlIdentifier(const std::string& name);
// An identifier with at most one "schema." prefix (both parts IsSqlIdentifier): what a job may
// splice into SQL as a table name.
bool IsQualifiedSqlIdentifier(const std::string& name);

// Reads `key` of `block` (a table name when `qualified`, `schema.` allowed; else a column name)
// and refuses anything but a plain SQL identifier: such names are spliced into SQL. "" passes.
Status ReadSqlIdentifier(const BlockReader& block, const std::string& key, bool qualified, std::string* out);

}  // namespace vigil

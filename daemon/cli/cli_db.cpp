// `vigil db copy --from URL --to URL` (stop the daemon first) and `vigil db backup FILE`.
#include <iostream>

#include "config/config.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "sources/watcher_checks.h"
#include "store/db_copy.h"

namespace vigil {
namespace {

struct DbArgs {
  std::string from, to, file;
  bool json = false;
};

using cli::Fail;

int Copy(const DbArgs& a) {
  auto from = OpenSqlConnection(a.from);
  if (!from.ok()) return Fail("--from: " + from.error());
  auto to = OpenSqlConnection(a.to);
  if (!to.ok()) return Fail("--to: " + to.error());
  auto done = CopyVigilTables(**from, **to, [&a](const TableCopyReport& r) {
    if (!a.json) std::cout << "  " << r.table << ": " << r.target_rows << " rows\n";
  });
  if (!done.ok()) return Fail(done.error());
  int64_t total = 0;
  for (const auto& r : *done) total += r.target_rows;
  if (a.json) {
    nlohmann::json tables = nlohmann::json::object();
    for (const auto& r : *done) tables[r.table] = r.target_rows;
    std::cout << nlohmann::json{{"from", RedactUrl(a.from)}, {"to", RedactUrl(a.to)}, {"tables", tables}, {"rows", total}}.dump(2) << "\n";
    return 0;
  }
  std::cout << "copied " << done->size() << " tables, " << total << " rows, counts verified, from " << RedactUrl(a.from)
            << " to " << RedactUrl(a.to) << "\n";
  return 0;
}

int Backup(const std::string& config_path, const DbArgs& a) {
  auto config = LoadConfig(config_path, kDeferSecrets);
  if (!config.ok()) return Fail(config.error());
  std::string url = (*config)->DatabaseUrl();
  if (!url.starts_with("sqlite:"))
    return Fail("`vigil db backup` backs up an SQLite database; for PostgreSQL use pg_dump (" + RedactUrl(url) + ")");
  Status s = BackupSqlite(url.substr(7), a.file);
  if (!s.ok()) return Fail(s.message());
  if (a.json) std::cout << nlohmann::json{{"database", url.substr(7)}, {"backup", a.file}}.dump() << "\n";
  else std::cout << "backed up " << url.substr(7) << " to " << a.file << "\n";
  return 0;
}

}  // namespace

void RegisterDbVerbs(CLI::App& app, VerbList& out, std::string& config_path) {
  auto* db = app.add_subcommand("db", "move and back up vigil's database");
  db->require_subcommand(1);
  auto a = std::make_shared<DbArgs>();
  auto* copy = db->add_subcommand("copy", "copy vigil's tables between databases (stop the daemon first)");
  copy->add_option("--from", a->from, "source URL (sqlite:PATH or postgresql://...)")->required();
  copy->add_option("--to", a->to, "target URL; migrated first, must be empty")->required();
  auto* backup = db->add_subcommand("backup", "online backup of the SQLite database (safe while the daemon runs)");
  backup->add_option("file", a->file, "where to write the backup")->required();
  AddConfigOption(backup, config_path);
  for (auto* sub : {copy, backup}) sub->add_flag("--json", a->json, "machine-readable output");
  out.emplace_back(copy, [a] { return Copy(*a); });
  out.emplace_back(backup, [a, &config_path] { return Backup(config_path, *a); });
}

}  // namespace vigil

#include "jobs/maintenance/database_backup.h"

#include <date/date.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/subprocess.h"
#include "store/db_copy.h"
#include "store/postgres/pg_url_env.h"
#include "store/sql.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

constexpr size_t kStampLength = 20;  // 20261203T053000.123Z: two runs within a second get two names

std::string Stamp(TimePoint now) { return date::format("%Y%m%dT%H%M%SZ", date::floor<std::chrono::milliseconds>(now)); }

// A backup file of `name`: NAME-<stamp>.sqlite3 or NAME-<stamp>.dump.
bool IsBackupOf(const std::string& file, const std::string& name) {
  for (const char* ext : {".sqlite3", ".dump"}) {
    std::string_view e(ext);
    if (file.size() == name.size() + 1 + kStampLength + e.size() && file.starts_with(name + "-") && file.ends_with(e) &&
        file[name.size() + 1 + 8] == 'T' && file[name.size() + kStampLength] == 'Z')
      return true;
  }
  return false;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? "(no message)" : line;
}

Status VerifySqlite(const std::string& path) {
  auto db = OpenSqlConnection("sqlite:" + path);
  if (!db.ok()) return db.status().WithContext("opening the copy");
  auto r = (*db)->Query("PRAGMA integrity_check");
  if (!r.ok()) return r.status().WithContext("integrity_check");
  if (r->rows.empty() || r->rows[0].Text(0) != "ok")
    return Status::Error("integrity_check of the copy: " + (r->rows.empty() ? std::string("no answer") : r->rows[0].Text(0)));
  return Status::Ok();
}

std::string PgRestoreOf(const BackupSpec& spec) {
  if (!spec.pg_restore.empty()) return spec.pg_restore;
  size_t slash = spec.pg_dump.rfind('/');
  return slash == std::string::npos ? "pg_restore" : spec.pg_dump.substr(0, slash + 1) + "pg_restore";
}

Status DumpPostgres(const std::string& url, const std::string& path, const BackupSpec& spec, const CancelToken* cancel) {
  auto env = LibpqEnvironment(url);
  if (!env.ok()) return env.status().WithContext("the database URL");
  auto dumped = RunProcess({spec.pg_dump, "--format=custom", "--no-password", "--file=" + path}, *env, spec.timeout, cancel);
  if (!dumped.ok()) return Status::Error(dumped.error() + " (install postgresql-client, or name the binary in pg_dump:)");
  if (dumped->cancelled) return Status::Error("pg_dump: cancelled");
  if (dumped->timed_out) return Status::Error("pg_dump: still running after the timeout; stopped");
  if (dumped->exit_code != 0) {
    if (dumped->err.find("server version mismatch") != std::string::npos)
      return Status::Error("pg_dump is older than the server: " + FirstLine(dumped->err) +
                           "; install the client of the server's version and name it in pg_dump: (e.g. "
                           "/usr/lib/postgresql/<version>/bin/pg_dump)");
    return Status::Error("pg_dump exited with " + std::to_string(dumped->exit_code) + ": " + FirstLine(dumped->err));
  }
  auto listed = RunProcess({PgRestoreOf(spec), "--list", path}, {}, spec.timeout, cancel);
  if (!listed.ok()) return Status::Error(listed.error() + " (needed to verify the dump)");
  if (listed->exit_code != 0 || listed->out.empty())
    return Status::Error("pg_restore --list of the dump failed: " + FirstLine(listed->err));
  return Status::Ok();
}

}  // namespace

std::vector<std::string> BackupsOf(const std::string& dir, const std::string& name) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (entry.is_regular_file(ec) && IsBackupOf(file, name)) out.push_back((fs::path(dir) / file).string());
  }
  std::sort(out.begin(), out.end());  // the stamp sorts by time
  return out;
}

Result<BackupFile> BackUpDatabase(const BackupTarget& target, const BackupSpec& spec, TimePoint now,
                                  const CancelToken* cancel) {
  std::error_code ec;
  fs::create_directories(spec.dir, ec);
  if (ec) return Status::Error("cannot create " + spec.dir + ": " + ec.message());
  fs::permissions(spec.dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // backups hold the data
  bool sqlite = target.url.starts_with("sqlite:");
  std::string base = (fs::path(spec.dir) / (target.name + "-" + Stamp(now))).string();
  std::string final_path = base + (sqlite ? ".sqlite3" : ".dump");
  if (fs::exists(final_path, ec)) return Status::Error(final_path + " exists already (a backup this same millisecond)");
  std::string partial = base + ".partial";
  fs::remove(partial, ec);
  auto started = std::chrono::steady_clock::now();
  Status made = sqlite ? BackupSqlite(target.url.substr(7), partial) : DumpPostgres(target.url, partial, spec, cancel);
  if (made.ok() && sqlite) made = VerifySqlite(partial);
  if (!made.ok()) {
    fs::remove(partial, ec);
    return made;
  }
  fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  fs::rename(partial, final_path, ec);
  if (ec) return Status::Error("cannot rename the backup to " + final_path + ": " + ec.message());
  BackupFile out;
  out.path = final_path;
  out.bytes = static_cast<int64_t>(fs::file_size(final_path, ec));
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto all = BackupsOf(spec.dir, target.name);
  for (size_t i = 0; i + static_cast<size_t>(spec.keep) < all.size(); ++i) {
    if (fs::remove(all[i], ec)) out.removed.push_back(all[i]);
  }
  return out;
}

}  // namespace vigil

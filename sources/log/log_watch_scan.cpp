#include "sources/log/log_watch_scan.h"

#include <sys/stat.h>

#include <set>

#include "sources/log/log_files.h"

namespace vigil {
namespace {

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string GlobDirectory(const std::string& pattern) {
  std::string fixed = pattern.substr(0, pattern.find_first_of("*?["));
  std::string dir = Parent(fixed);
  while (dir != "/" && !IsDirectory(dir)) dir = Parent(dir);
  return dir;
}

LogWatchScan ScanLogWatch(const LogWatcherSpec& spec) {
  std::vector<LogFileStat> matches = GlobLogFiles(spec.paths);
  std::set<std::string> dirs;
  std::vector<std::string> files;
  std::vector<std::string> looked_at = spec.rotated;
  for (const auto& pattern : spec.paths) dirs.insert(GlobDirectory(pattern));
  for (const auto& pattern : spec.rotated) dirs.insert(GlobDirectory(pattern));
  for (const auto& m : matches) {
    files.push_back(m.path);
    dirs.insert(Parent(m.path));
    looked_at.push_back(m.path + ".1");
  }
  std::string identity;
  auto add = [&identity](const LogFileStat& f) {
    identity += f.path + '\0' + std::to_string(f.inode) + ' ' + std::to_string(f.size) + ' ' +
                std::to_string(f.mtime.time_since_epoch().count()) + '\n';
  };
  for (const auto& m : matches) add(m);
  for (const auto& f : GlobLogFiles(looked_at)) add(f);
  return LogWatchScan{std::move(files), std::vector<std::string>(dirs.begin(), dirs.end()), Fnv1aHex(identity)};
}

}  // namespace vigil

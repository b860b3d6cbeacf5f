#include "sources/log/log_files.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace vigil {
namespace {

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::optional<LogFileStat> FromStat(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  LogFileStat f;
  f.path = path;
  f.inode = static_cast<int64_t>(st.st_ino);
  f.size = static_cast<int64_t>(st.st_size);
  f.mtime = TimePoint(std::chrono::seconds(st.st_mtim.tv_sec)) +
            std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(st.st_mtim.tv_nsec));
  return f;
}

}  // namespace

std::vector<LogFileStat> GlobLogFiles(const std::vector<std::string>& patterns) {
  std::set<std::string> paths;
  for (const auto& pattern : patterns) {
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.insert(g.gl_pathv[i]);
    }
    ::globfree(&g);
  }
  std::vector<LogFileStat> out;
  for (const auto& p : paths) {
    if (auto f = StatLogFile(p)) out.push_back(*f);
  }
  return out;
}

std::optional<LogFileStat> StatLogFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FromStat(path, st);
}

Result<std::string> ReadLogRange(const std::string& path, int64_t inode, int64_t offset, size_t max_bytes) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Status::Error("cannot open " + path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0 || static_cast<int64_t>(st.st_ino) != inode) return Status::Error(path + " was replaced while reading");
  std::string out(max_bytes, '\0');
  size_t got = 0;
  while (got < max_bytes) {
    ssize_t n = ::pread(f.fd, out.data() + got, max_bytes - got, static_cast<off_t>(offset + static_cast<int64_t>(got)));
    if (n < 0) return Status::Error("reading " + path + " failed");
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

std::string Fnv1aHex(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string LogHeadHash(const LogFileStat& file) {
  auto head = ReadLogRange(file.path, file.inode, 0, static_cast<size_t>(std::min(file.size, kHeadBytes)));
  if (!head.ok()) return "";
  return std::to_string(head->size()) + ":" + Fnv1aHex(*head);
}

bool LogHeadMatches(const LogFileStat& file, const std::string& head_hash) {
  size_t colon = head_hash.find(':');
  if (colon == std::string::npos) return true;
  int64_t n = std::strtoll(head_hash.c_str(), nullptr, 10);
  if (n <= 0 || file.size < n) return true;
  auto head = ReadLogRange(file.path, file.inode, 0, static_cast<size_t>(n));
  return head.ok() && Fnv1aHex(*head) == head_hash.substr(colon + 1);
}

}  // namespace vigil

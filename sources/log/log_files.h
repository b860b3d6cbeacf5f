// The file system as the log tailer sees it: glob(3) expansion, a file's identity (inode, size,
// modification time) and a hash of its first bytes, and reading a byte range. Plain POSIX calls;
// errors are values (a file that vanished between two calls is an ordinary case, not a failure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace vigil {

struct LogFileStat {
  std::string path;
  int64_t inode = 0;
  int64_t size = 0;
  TimePoint mtime;
};

// Regular files matching any of `patterns`, each path once, sorted.
std::vector<LogFileStat> GlobLogFiles(const std::vector<std::string>& patterns);

// The file at `path` (following symlinks), or nullopt if it is missing or not a regular file.
std::optional<LogFileStat> StatLogFile(const std::string& path);

// Reads up to `max_bytes` from `offset` of the file at `path`, provided it is still inode `inode`
// (a rename between stat and open must not feed one file's bytes under another's offset).
Result<std::string> ReadLogRange(const std::string& path, int64_t inode, int64_t offset, size_t max_bytes);

// "N:HEX": FNV-1a 64 of the file's first N = min(size, kHeadBytes) bytes; "" if unreadable.
std::string LogHeadHash(const LogFileStat& file);
// Whether the file still begins with the bytes `head_hash` describes. A file shorter than N
// cannot be checked and answers true (the caller sees the truncation by its size).
bool LogHeadMatches(const LogFileStat& file, const std::string& head_hash);
inline constexpr int64_t kHeadBytes = 256;

// FNV-1a 64 of `bytes`, as 16 hex digits.
std::string Fnv1aHex(std::string_view bytes);

}  // namespace vigil

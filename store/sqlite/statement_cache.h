// A SQLite connection's prepared statements, by the SQL text they were asked for, bounded in count
// and in bytes, least recently used out first. Statements whose text varies (a placeholder list
// sized to its batch) are 5 to 45 KB each compiled: a busy connection met a few hundred of them and
// kept them all, 3 MB a connection, when the cache was bounded in count alone.
//
// Threads: one connection's, as the connection itself.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace vigil {

class StatementCache {
 public:
  static constexpr size_t kMaxStatements = 256;
  static constexpr size_t kMaxBytes = 1 << 20;  // SQLITE_STMTSTATUS_MEMUSED, summed

  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { Clear(); }

  // The statement cached for `sql` (now the most recently used), or nullptr.
  sqlite3_stmt* Find(const std::string& sql);
  // Takes `stmt`, prepared from `sql` (not cached yet), making room first: the least recently used
  // statements are finalized until the count and the bytes fit.
  void Add(std::string sql, sqlite3_stmt* stmt);
  // Finalizes every statement (before the connection closes).
  void Clear();

 private:
  struct Cached {
    sqlite3_stmt* stmt;
    size_t bytes;  // SQLITE_STMTSTATUS_MEMUSED when prepared
    std::list<std::string>::iterator recent;
  };
  std::unordered_map<std::string, Cached> cached_;
  std::list<std::string> recent_;  // the cache's keys, most recently used first
  size_t bytes_ = 0;
};

}  // namespace vigil

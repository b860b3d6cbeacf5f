#include "store/sqlite/statement_cache.h"

#include <algorithm>
#include <utility>

namespace vigil {

sqlite3_stmt* StatementCache::Find(const std::string& sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) return nullptr;
  recent_.splice(recent_.begin(), recent_, it->second.recent);
  return it->second.stmt;
}

void StatementCache::Add(std::string sql, sqlite3_stmt* stmt) {
  size_t bytes = static_cast<size_t>(std::max(0, sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_MEMUSED, 0)));
  while (!recent_.empty() && (cached_.size() >= kMaxStatements || bytes_ + bytes > kMaxBytes)) {
    auto victim = cached_.find(recent_.back());
    bytes_ -= victim->second.bytes;
    sqlite3_finalize(victim->second.stmt);
    cached_.erase(victim);
    recent_.pop_back();
  }
  recent_.push_front(sql);
  cached_.emplace(std::move(sql), Cached{stmt, bytes, recent_.begin()});
  bytes_ += bytes;
}

void StatementCache::Clear() {
  for (auto& [sql, cached] : cached_) sqlite3_finalize(cached.stmt);
  cached_.clear();
  recent_.clear();
  bytes_ = 0;
}

}  // namespace vigil

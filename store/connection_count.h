// How many database connections this process has open, both dialects: each connection class
// holds a ConnectionCount, so the count follows their lifetimes. The daemon shows it as the gauge
// vigil_database_connections (idle job workers close theirs: jobs/engine/job_engine.h).
#pragma once

#include <atomic>
#include <cstdint>

namespace vigil {

class ConnectionCount {
 public:
  ConnectionCount() { open_.fetch_add(1, std::memory_order_relaxed); }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;
  ~ConnectionCount() { open_.fetch_sub(1, std::memory_order_relaxed); }

  // Connections open now.
  static int64_t Open() { return open_.load(std::memory_order_relaxed); }

 private:
  static inline std::atomic<int64_t> open_{0};
};

}  // namespace vigil

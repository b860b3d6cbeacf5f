// Per-rule rate limits of log watchers: at most `count` events per rule in each fixed window of
// `per`. Counts live in this process's memory (a restart or a second daemon starts afresh), which
// is what a limit against floods needs; records over the limit are counted, not stored.
//
// Threads: thread-safe (log_tail jobs of different watchers run on different workers).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"
#include "sources/log/log_rules.h"

namespace vigil {

class RuleRateLimiter {
 public:
  // Whether one more event of (watcher, rule) fits its limit at `now`; counts it if so.
  bool Allow(const std::string& watcher, const LogRule& rule, TimePoint now);

 private:
  struct Window {
    TimePoint start;
    int count = 0;
  };
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Window> windows_;
};

}  // namespace vigil

#include "sources/log/rule_rate_limiter.h"

namespace vigil {

bool RuleRateLimiter::Allow(const std::string& watcher, const LogRule& rule, TimePoint now) {
  if (rule.limit.count <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  Window& w = windows_[{watcher, rule.name}];
  if (w.count == 0 || now - w.start >= rule.limit.per || now < w.start) w = Window{now, 0};
  if (w.count >= rule.limit.count) return false;
  ++w.count;
  return true;
}

}  // namespace vigil


#include "common/http/rate_limiter.h"

#include <algorithm>

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds IntervalOf(double requests_per_second, std::chrono::milliseconds min_interval) {
  std::chrono::nanoseconds interval = min_interval;
  if (requests_per_second > 0) {
    interval = std::max(interval, std::chrono::nanoseconds(static_cast<int64_t>(1e9 / requests_per_second)));
  }
  return interval;
}

// How often a waiter for a concurrency slot looks at its CancelToken.
constexpr auto kCancelPoll = std::chrono::milliseconds(20);

}  // namespace

std::vector<HostLimit> DefaultHostLimits() {
  HostLimit ncbi{"eutils.ncbi.nlm.nih.gov"};
  ncbi.requests_per_second = 3;
  ncbi.requests_per_second_with_api_key = 10;
  HostLimit arxiv{"export.arxiv.org"};
  arxiv.min_interval = std::chrono::seconds(3);
  arxiv.max_concurrency = 1;
  return {ncbi, arxiv};
}

HostPermit::HostPermit(HostPermit&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)), key_(std::move(other.key_)) {}

HostPermit& HostPermit::operator=(HostPermit&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

HostPermit::~HostPermit() { Release(); }

void HostPermit::Release() {
  if (limiter_ != nullptr) limiter_->Release(key_);
  limiter_ = nullptr;
}

RateLimiter::RateLimiter(const std::vector<HostLimit>& limits) {
  for (const auto& limit : limits) {
    Rule rule;
    rule.interval = IntervalOf(limit.requests_per_second, limit.min_interval);
    rule.interval_with_api_key = limit.requests_per_second_with_api_key > 0
                                     ? IntervalOf(limit.requests_per_second_with_api_key, limit.min_interval)
                                     : rule.interval;
    rule.max_concurrency = limit.max_concurrency;
    rules_[limit.host] = rule;
  }
}

Result<HostPermit> RateLimiter::Acquire(const std::string& host, bool has_api_key, const CancelToken* cancel) {
  auto rule = rules_.find(host);
  if (rule == rules_.end()) return HostPermit();
  Clock::time_point start;
  {
    std::unique_lock<std::mutex> lock(mu_);
    HostState& state = states_[host];
    if (!WaitForConcurrencySlot(lock, state, rule->second.max_concurrency, cancel)) {
      return Status::Error("cancelled while waiting for a connection slot to " + host);
    }
    ++state.in_flight;
    auto& next = has_api_key ? state.next_start_with_api_key : state.next_start;
    start = std::max(Clock::now(), next);
    next = start + (has_api_key ? rule->second.interval_with_api_key : rule->second.interval);
  }
  HostPermit permit(this, host);  // from here on the slot is released on every path
  if (!SleepUnlessCancelled(cancel, start - Clock::now())) {
    return Status::Error("cancelled while waiting for the rate limit of " + host);
  }
  return permit;
}

bool RateLimiter::WaitForConcurrencySlot(std::unique_lock<std::mutex>& lock, HostState& state, int max,
                                         const CancelToken* cancel) {
  while (max > 0 && state.in_flight >= max) {
    if (cancel != nullptr && cancel->cancelled()) return false;
    slot_freed_.wait_for(lock, kCancelPoll);
  }
  return cancel == nullptr || !cancel->cancelled();
}

void RateLimiter::Release(const std::string& host) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --states_[host].in_flight;
  }
  slot_freed_.notify_all();
}

}  // namespace vigil

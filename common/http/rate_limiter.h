// RateLimiter: per-host request pacing and concurrency limits, shared by every worker thread
// that sends through one HttpClient, so vigil as a whole stays within what each API allows
// (NCBI E-utilities: 3 requests/s, 10 with an api_key; arXiv: one request every 3 s, one at a time).
//
// Pacing is a minimum interval between the starts of requests to a host (no bursts): a request
// reserves the next free start slot and sleeps until it. Concurrency is a counting semaphore per
// host, held for the duration of one transfer (a HostPermit).
//
// Threads: any thread may call Acquire; one mutex guards the per-host table and a condition
// variable wakes threads waiting for a concurrency slot. Sleeps happen outside the lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"

namespace vigil {

struct HostLimit {
  std::string host;  // exact, lower case: "eutils.ncbi.nlm.nih.gov", "127.0.0.1", "[::1]"
  double requests_per_second = 0;        // 0: no rate limit from this field
  std::chrono::milliseconds min_interval{0};  // between request starts; the stricter of the two applies
  int max_concurrency = 0;               // requests in flight at once; 0: unlimited
  // For requests whose URL carries api_key= (NCBI grants more with a key); 0: same as without.
  double requests_per_second_with_api_key = 0;
};

// eutils.ncbi.nlm.nih.gov 3/s (10/s with api_key); export.arxiv.org one per 3 s, one at a time.
std::vector<HostLimit> DefaultHostLimits();

class RateLimiter;

// Holds a concurrency slot of a host until destroyed. Movable, not copyable.
class HostPermit {
 public:
  HostPermit() = default;
  HostPermit(RateLimiter* limiter, std::string key) : limiter_(limiter), key_(std::move(key)) {}
  HostPermit(HostPermit&& other) noexcept;
  HostPermit& operator=(HostPermit&& other) noexcept;
  ~HostPermit();

 private:
  void Release();
  RateLimiter* limiter_ = nullptr;
  std::string key_;
};

class RateLimiter {
 public:
  // Later entries for the same host replace earlier ones (so configuration overrides defaults).
  explicit RateLimiter(const std::vector<HostLimit>& limits);

  // Waits for a concurrency slot and then for the host's next start slot. Returns the permit, or
  // an error "cancelled" if `cancel` (may be null) was set while waiting. Hosts without a limit
  // return at once.
  Result<HostPermit> Acquire(const std::string& host, bool has_api_key, const CancelToken* cancel);

 private:
  friend class HostPermit;
  struct HostState {
    // NCBI counts requests with a key apart from those without, so each pace has its own slots.
    std::chrono::steady_clock::time_point next_start{};
    std::chrono::steady_clock::time_point next_start_with_api_key{};
    int in_flight = 0;
  };
  struct Rule {
    std::chrono::nanoseconds interval{0};
    std::chrono::nanoseconds interval_with_api_key{0};
    int max_concurrency = 0;
  };

  bool WaitForConcurrencySlot(std::unique_lock<std::mutex>& lock, HostState& state, int max,
                              const CancelToken* cancel);
  void Release(const std::string& host);

  std::map<std::string, Rule> rules_;  // immutable after construction
  std::mutex mu_;
  std::condition_variable slot_freed_;
  std::map<std::string, HostState> states_;  // by host, for hosts with a rule
};

}  // namespace vigil

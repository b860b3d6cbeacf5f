// AdaptivePrefetch: how many jobs a queue claims beyond its free workers when `jobs.prefetch` is
// `auto`. With no backlog it is 0, so a claim takes only what free workers can start and an idle
// pickup costs what it did without prefetch. While claims come back full (more jobs wait than were
// asked for) it doubles, starting from the queue's worker count, up to Cap(); a claim that comes
// back short (the backlog is drained) halves it. A daemon killed with -9 so holds at most
// concurrency + Cap(concurrency) jobs of a queue, leased to it until they are handed back (at once
// by the next daemon started on the same host, else when the lease runs out).
//
// Threads: the job engine's fetcher only.
#pragma once

#include <algorithm>

namespace vigil {

class AdaptivePrefetch {
 public:
  static constexpr int kMax = 500;
  static constexpr int kPerWorker = 32;
  static int Cap(int concurrency) { return std::min(kMax, kPerWorker * std::max(1, concurrency)); }

  explicit AdaptivePrefetch(int concurrency = 1) : concurrency_(std::max(1, concurrency)) {}

  int extra() const { return extra_; }
  // After a claim that asked for `wanted` jobs and got `got`.
  void AfterClaim(int wanted, int got) {
    if (wanted <= 0) return;
    extra_ = got >= wanted ? std::min(Cap(concurrency_), std::max(concurrency_, extra_ * 2)) : extra_ / 2;
  }

 private:
  int concurrency_;
  int extra_ = 0;
};

}  // namespace vigil

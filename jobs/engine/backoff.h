// Retry delays: exponential in the attempt number, capped, with jitter so that jobs that failed
// together do not retry together.
#pragma once

#include <chrono>
#include <cstdint>

namespace vigil {

struct BackoffPolicy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{3600 * 1000};
  double jitter = 0.25;  // the delay is scaled by a factor in [1 - jitter, 1 + jitter]
};

// Delay before attempt `attempt + 1`, given that attempt `attempt` (1-based) failed. `unit` is a
// uniform random number in [0, 1) (a parameter, so tests can pin it).
std::chrono::milliseconds RetryDelay(const BackoffPolicy& policy, int attempt, double unit);

}  // namespace vigil

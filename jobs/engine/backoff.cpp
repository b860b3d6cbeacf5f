#include "jobs/engine/backoff.h"

#include <algorithm>
#include <cmath>

namespace vigil {

std::chrono::milliseconds RetryDelay(const BackoffPolicy& p, int attempt, double unit) {
  double exp = std::ldexp(static_cast<double>(p.base.count()), std::clamp(attempt - 1, 0, 40));
  double capped = std::min(exp, static_cast<double>(p.cap.count()));
  double factor = 1.0 - p.jitter + 2.0 * p.jitter * std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::min(capped * factor, static_cast<double>(p.cap.count()))));
}

}  // namespace vigil

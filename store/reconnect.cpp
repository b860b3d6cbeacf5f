#include "store/reconnect.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vigil {

Reconnect::Reconnect(std::string url, int busy_timeout_ms, std::string who)
    : url_(std::move(url)), busy_timeout_ms_(busy_timeout_ms), who_(std::move(who)) {}

Result<std::unique_ptr<SqlConnection>> Reconnect::TryOpen(Clock::time_point now) {
  if (now < next_attempt_) return Status::Error(who_ + ": database unavailable", ErrorKind::kUnavailable);
  auto opened = OpenSqlConnection(url_, busy_timeout_ms_);
  if (!opened.ok()) {
    spdlog::warn("{}: database unavailable, retrying in {} ms: {}", who_, delay_.count(), opened.error());
    Backoff(now);
    return opened.status();
  }
  delay_ = kFirstDelay;
  return opened;
}

void Reconnect::Broke(Clock::time_point now) { Backoff(now); }

std::chrono::milliseconds Reconnect::Wait(Clock::time_point now) const {
  if (now >= next_attempt_) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(next_attempt_ - now);
}

void Reconnect::Backoff(Clock::time_point now) {
  next_attempt_ = now + delay_;
  delay_ = std::min(delay_ * 2, kMaxDelay);
}

}  // namespace vigil

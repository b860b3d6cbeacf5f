#include "store/reconnect.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vigil {

Reconnect::Reconnect(SqlTarget target, std::string who) : target_(std::move(target)), who_(std::move(who)) {}

Result<std::unique_ptr<SqlConnection>> Reconnect::TryOpen(Clock::time_point now) {
  if (now < next_attempt_) return Status::Error(who_ + ": database unavailable", ErrorKind::kUnavailable);
  auto opened = OpenSqlConnection(target_);
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

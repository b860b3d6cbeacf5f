#include "sources/log/log_pass_coalescer.h"

namespace vigil {

std::string PassCoalescer::OnChange(Time now) {
  if (!last_change_ || *last_change_ < now) last_change_ = now;
  if (queued_ && now - queued_at_ < kQueuedPatience) return "";
  queued_ = true;
  queued_at_ = now;
  return Key();
}

std::string PassCoalescer::OnPassStarted(Time started, Time now) {
  queued_ = false;
  ++generation_;
  if (!last_change_ || *last_change_ < started) return "";
  return OnChange(now);
}

}  // namespace vigil

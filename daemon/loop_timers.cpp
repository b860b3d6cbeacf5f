#include "daemon/loop_timers.h"

#include <algorithm>

#include "common/metrics.h"
#include "daemon/sd_notify.h"

namespace vigil {
namespace {

// The loop-lag sample: a wake-up of an idle loop, so not more often than this.
constexpr std::chrono::milliseconds kLagEvery{10000};

}  // namespace

void LoopTimers::Start(uv_loop_t* loop) {
  uv_timer_init(loop, &lag_timer_);
  lag_timer_.data = this;
  lag_expected_ = std::chrono::steady_clock::now() + kLagEvery;
  uv_timer_start(&lag_timer_, [](uv_timer_t* t) {
    auto* self = static_cast<LoopTimers*>(t->data);
    auto now = std::chrono::steady_clock::now();
    double lag = std::max(0.0, std::chrono::duration<double>(now - self->lag_expected_).count());
    Metrics::Global().Set("vigil_loop_lag_seconds", {}, lag);
    self->lag_expected_ = now + kLagEvery;
  }, kLagEvery.count(), kLagEvery.count());

  uv_timer_init(loop, &watchdog_timer_);
  watchdog_timer_.data = this;
  if (auto interval = SdWatchdogInterval()) {
    uint64_t ms = std::max<int64_t>(interval->count(), 10);
    uv_timer_start(&watchdog_timer_, [](uv_timer_t*) { SdNotify("WATCHDOG=1"); }, ms, ms);
  }
}

void LoopTimers::Close() {
  for (uv_timer_t* t : {&lag_timer_, &watchdog_timer_}) {
    auto* h = reinterpret_cast<uv_handle_t*>(t);
    if (h->loop == nullptr || uv_is_closing(h)) continue;  // never started, or closed already
    uv_timer_stop(t);
    uv_close(h, nullptr);
  }
}

}  // namespace vigil

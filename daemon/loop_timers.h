// The daemon's two housekeeping timers on its event loop: the loop-lag gauge (a 5-second timer
// that records how late it fired, vigil_loop_lag_seconds) and, under systemd with WatchdogSec=,
// the watchdog keep-alive (WATCHDOG=1 at the interval sd_watchdog_enabled asks for).
//
// Threads: the loop thread only.
#pragma once

#include <uv.h>

#include <chrono>

namespace vigil {

class LoopTimers {
 public:
  void Start(uv_loop_t* loop);
  // Stops both timers and closes their handles; the loop must still run to finish the close.
  void Close();

 private:
  uv_timer_t lag_timer_{};
  uv_timer_t watchdog_timer_{};
  std::chrono::steady_clock::time_point lag_expected_;
};

}  // namespace vigil

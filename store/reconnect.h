// Reconnect: how every long-lived database user (the request path's DbThread, the webhook
// EventWriter, the job engine's fetcher, completer and maintainer) reopens its connection after
// the server went away: at most one attempt per delay, the delay doubling from 100 ms to 5 s and
// back to 100 ms after a success, and one warning per failed attempt
// ("<who>: database unavailable, retrying in N ms: <error>").
//
// Threads: one Reconnect belongs to one thread, like the connection it opens.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/sql.h"

namespace vigil {

class Reconnect {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirstDelay{100};
  static constexpr std::chrono::milliseconds kMaxDelay{5000};

  Reconnect(SqlTarget target, std::string who);

  // A new connection, or an error: the open failed (logged; the next attempt waits the delay), or
  // the delay since the last failure has not passed yet (kUnavailable, not logged).
  Result<std::unique_ptr<SqlConnection>> TryOpen(Clock::time_point now = Clock::now());

  // The caller dropped a connection that broke: the next attempt waits the delay.
  void Broke(Clock::time_point now = Clock::now());

  // How long until the next attempt may be made (0 if now).
  std::chrono::milliseconds Wait(Clock::time_point now = Clock::now()) const;

 private:
  void Backoff(Clock::time_point now);

  const SqlTarget target_;
  const std::string who_;
  Clock::time_point next_attempt_{};
  std::chrono::milliseconds delay_ = kFirstDelay;
};

}  // namespace vigil

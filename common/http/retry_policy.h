// When and how long the HTTP client waits before trying a request again: exponential backoff with
// jitter for connection errors, 429 and 5xx, and the server's Retry-After when it sends one.
//
// Threads: pure functions (BackoffDelay takes the caller's random source), any thread.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace vigil {

struct RetryPolicy {
  int max_attempts = 4;                             // transfers in all, the first included
  std::chrono::milliseconds base_delay{1000};       // before the 2nd attempt; doubles after
  std::chrono::milliseconds max_delay{60000};       // cap of the backoff
  std::chrono::milliseconds max_retry_after{300000};  // a longer Retry-After ends Send (job reschedules)
};

// Statuses worth another attempt: 408, 425, 429 and every 5xx except 501 and 505.
bool IsRetryableStatus(int status);

// Statuses that say the request itself is wrong and will stay wrong until someone changes it:
// 400, 401, 403, 404, 410 and 422. The one place vigil tells permanent HTTP failures from
// transient ones: everything else that fails (other statuses, connection errors, timeouts) is
// taken as transient.
bool IsPermanentStatus(int status);

// The error for an answer with a status that is not a success: "HTTP 404 from URL", of kind
// ErrorKind::kPermanent when IsPermanentStatus, kUnavailable when IsRetryableStatus, else kOther. `what` is the loggable URL or
// another name of what was asked.
Status HttpStatusError(int status, const std::string& what);

// GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent per RFC 9110, but vigil retries only
// the safe reads unless the request says otherwise.
bool IsRetrySafeMethod(std::string_view method);

// The wait before attempt `next_attempt` (2 for the first retry): base * 2^(next_attempt-2),
// capped at max_delay, with "equal jitter": a uniform draw between half and all of it.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int next_attempt, std::mt19937_64& random);

// A Retry-After value: delay-seconds ("120") or an HTTP-date, relative to `now`. A date in the past
// is 0 s; nullopt for anything unparseable.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, TimePoint now);

}  // namespace vigil

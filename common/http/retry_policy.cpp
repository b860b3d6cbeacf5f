#include "common/http/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace vigil {

bool IsRetryableStatus(int status) {
  if (status == 408 || status == 425 || status == 429) return true;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

bool IsPermanentStatus(int status) {
  return status == 400 || status == 401 || status == 403 || status == 404 || status == 410 || status == 422;
}

Status HttpStatusError(int status, const std::string& what) {
  ErrorKind kind = IsPermanentStatus(status) ? ErrorKind::kPermanent
                   : IsRetryableStatus(status) ? ErrorKind::kUnavailable
                                               : ErrorKind::kOther;
  return Status::Error("HTTP " + std::to_string(status) + " from " + what, kind);
}

bool IsRetrySafeMethod(std::string_view method) { return method == "GET" || method == "HEAD"; }

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int next_attempt, std::mt19937_64& random) {
  int doublings = std::clamp(next_attempt - 2, 0, 30);
  double full = std::min(static_cast<double>(policy.base_delay.count()) * static_cast<double>(1LL << doublings),
                         static_cast<double>(policy.max_delay.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(full * jitter(random)));
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, TimePoint now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return std::chrono::seconds(999999999);  // absurdly long: past any cap
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(std::chrono::seconds(0), std::chrono::ceil<std::chrono::seconds>(delta));
}

}  // namespace vigil

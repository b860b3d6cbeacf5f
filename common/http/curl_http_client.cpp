#include "common/http/curl_http_client.h"

#include <spdlog/spdlog.h>

#include "common/http/http_url.h"

namespace vigil {
namespace {

// curl_global_init is not safe to race with other libcurl calls: do it once, before any handle.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Describe(const HttpClientRequest& request) {
  return request.method + " " + LoggableUrl(request);
}

std::string HeaderOf(const TransferOutcome& outcome, std::string_view name) {
  HttpClientResponse view;
  view.headers = outcome.headers;
  const std::string* value = view.Header(name);
  return value != nullptr ? *value : std::string();
}

}  // namespace

std::string DefaultUserAgent(const std::string& contact_email) {
  std::string agent = std::string("vigil/") + VIGIL_VERSION;
  if (!contact_email.empty()) agent += " (+mailto:" + contact_email + ")";
  return agent;
}

CurlHttpClient::CurlHttpClient(HttpClientOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      user_agent_(options_.user_agent.empty() ? DefaultUserAgent(options_.contact_email) : options_.user_agent),
      guard_(options_.guard),
      limiter_(options_.host_limits),
      random_(std::random_device{}()) {
  InitCurlOnce();
}

CurlHttpClient::~CurlHttpClient() {
  for (CURL* easy : plain_handles_) curl_easy_cleanup(easy);
  for (CURL* easy : guarded_handles_) curl_easy_cleanup(easy);
}

Result<HttpClientResponse> CurlHttpClient::Send(const HttpClientRequest& request, const CancelToken* cancel) {
  auto start = std::chrono::steady_clock::now();
  auto parts = ParseHttpUrl(request.url);
  if (!parts.ok()) return WithLoggableUrl(parts.status(), request);
  if (cancel != nullptr && cancel->cancelled()) return Status::Error(Describe(request) + ": cancelled");
  if (request.from_data) {
    // Refuse before waiting on a rate limit; the socket check repeats it for what curl connects to.
    Status allowed = guard_.CheckHost(parts->host);
    if (!allowed.ok()) return allowed;
  }
  auto result = SendAttempts(request, parts->host, ConditionalHeaders(request), cancel);
  if (!result.ok()) {
    spdlog::debug("http: {} failed: {}", Describe(request), result.error());
    return result;
  }
  result->elapsed_s = SecondsSince(start);
  RememberValidators(request, *result);
  spdlog::debug("http: {} -> {} in {:.3f} s, {} attempt(s)", Describe(request), result->status, result->elapsed_s,
                result->attempts);
  return result;
}

Result<HttpClientResponse> CurlHttpClient::SendAttempts(const HttpClientRequest& request, const std::string& host,
                                                        const HttpHeaders& extra_headers, const CancelToken* cancel) {
  std::optional<std::chrono::seconds> retry_after;
  for (int attempt = 1;; ++attempt) {
    TransferOutcome outcome;
    {
      auto permit = limiter_.Acquire(host, HasApiKey(request.url), cancel);
      if (!permit.ok()) return permit.status().WithContext(Describe(request));
      bool guarded = request.from_data;
      CURL* easy = TakeHandle(guarded);
      if (easy == nullptr) return Status::Error(Describe(request) + ": curl_easy_init failed");
      TransferSettings settings{user_agent_, options_.connect_timeout, options_.max_body_bytes,
                                guarded ? &guard_ : nullptr};
      outcome = PerformTransfer(easy, request, extra_headers, settings, cancel);
      ReturnHandle(easy, guarded);
    }
    AttemptVerdict verdict = Judge(request, outcome, attempt, &retry_after);
    if (!verdict.retry) {
      if (!outcome.error.ok()) {
        if (attempt == 1) return outcome.error;
        return Status::Error(outcome.error.message() + " (after " + std::to_string(attempt) + " attempts)");
      }
      return HttpClientResponse{outcome.status, std::move(outcome.headers), std::move(outcome.body),
                                std::move(outcome.final_url), outcome.status == 304, attempt, 0, retry_after};
    }
    spdlog::info("http: attempt {} failed: {}; retrying in {} ms", attempt,
                 outcome.error.ok() ? Describe(request) + ": status " + std::to_string(outcome.status)
                                    : outcome.error.message(),
                 verdict.delay.count());
    if (!SleepUnlessCancelled(cancel, verdict.delay)) {
      return Status::Error(Describe(request) + ": cancelled while waiting to retry");
    }
  }
}

CurlHttpClient::AttemptVerdict CurlHttpClient::Judge(const HttpClientRequest& request, const TransferOutcome& outcome,
                                                     int attempt, std::optional<std::chrono::seconds>* retry_after) {
  *retry_after = std::nullopt;
  if (outcome.error.ok()) {
    std::string header = HeaderOf(outcome, "Retry-After");
    if (!header.empty()) *retry_after = ParseRetryAfter(header, clock_.Now());
  }
  bool failed = outcome.error.ok() ? IsRetryableStatus(outcome.status) : outcome.retryable;
  bool may_retry = attempt < options_.retry.max_attempts &&
                   (IsRetrySafeMethod(request.method) || request.retry_non_idempotent);
  if (!failed || !may_retry) return {};
  if (*retry_after) {
    // A wait longer than the policy allows is the job engine's to schedule, not a worker's to sleep.
    if (*retry_after > options_.retry.max_retry_after) return {};
    return {true, std::chrono::duration_cast<std::chrono::milliseconds>(**retry_after)};
  }
  std::lock_guard<std::mutex> lock(mu_);
  return {true, BackoffDelay(options_.retry, attempt + 1, random_)};
}

HttpHeaders CurlHttpClient::ConditionalHeaders(const HttpClientRequest& request) {
  if (!request.conditional || options_.cache == nullptr || request.method != "GET") return {};
  auto stored = options_.cache->Lookup(request.url);
  if (!stored.ok()) {
    // Without validators the GET is merely unconditional: worth a warning, not a failure.
    spdlog::warn("http: {}: {}", Describe(request), stored.error());
    return {};
  }
  HttpHeaders headers;
  if (*stored && !(*stored)->etag.empty()) headers.emplace_back("If-None-Match", (*stored)->etag);
  if (*stored && !(*stored)->last_modified.empty()) headers.emplace_back("If-Modified-Since", (*stored)->last_modified);
  return headers;
}

void CurlHttpClient::RememberValidators(const HttpClientRequest& request, const HttpClientResponse& response) {
  if (!request.conditional || options_.cache == nullptr || response.status != 200) return;
  const std::string* etag = response.Header("ETag");
  const std::string* last_modified = response.Header("Last-Modified");
  HttpValidators validators{etag != nullptr ? *etag : "", last_modified != nullptr ? *last_modified : ""};
  Status stored = options_.cache->Store(request.url, validators);
  if (!stored.ok()) spdlog::warn("http: {}: {}", Describe(request), stored.message());
}

CURL* CurlHttpClient::TakeHandle(bool guarded) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& pool = guarded ? guarded_handles_ : plain_handles_;
    if (!pool.empty()) {
      CURL* easy = pool.back();
      pool.pop_back();
      return easy;
    }
  }
  return curl_easy_init();
}

void CurlHttpClient::ReturnHandle(CURL* easy, bool guarded) {
  std::lock_guard<std::mutex> lock(mu_);
  (guarded ? guarded_handles_ : plain_handles_).push_back(easy);
}

}  // namespace vigil

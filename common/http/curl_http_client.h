// CurlHttpClient: the HttpClient job handlers use in production, on libcurl (http_client.h has the
// contract of Send). Around each transfer (curl_transfer.h) it applies, in order:
//   1. the URL check (http/https only) and, for conditional requests, the stored validators;
//   2. the per-host rate limit and concurrency limit (rate_limiter.h), per attempt;
//   3. retries of connection errors, 429 and 5xx with backoff or the server's Retry-After
//      (retry_policy.h) for GET/HEAD, or any method the request marks retry-safe;
//   4. for from_data requests, the address guard (address_guard.h) on every socket;
//   5. on 200 the new validators are stored, on 304 the response says not_modified.
// Connections are reused: libcurl easy handles are pooled and each keeps its connection cache.
// Requests from data use handles of their own, so a connection an unguarded request opened to an
// internal address is never reused by a guarded one.
//
// Threads: Send may be called from many worker threads at once (never the loop thread); it blocks
// the caller. The pool and the rate limiter lock internally. The client must outlive every Send.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/http/address_guard.h"
#include "common/http/curl_transfer.h"
#include "common/http/http_client.h"
#include "common/http/rate_limiter.h"
#include "common/http/retry_policy.h"
#include "common/validator_cache.h"

namespace vigil {

struct HttpClientOptions {
  std::string contact_email;  // goes into the default User-Agent, as NCBI and arXiv ask
  std::string user_agent;     // "" means DefaultUserAgent(contact_email)
  std::vector<HostLimit> host_limits = DefaultHostLimits();  // append to override a host's entry
  RetryPolicy retry;
  AddressGuardPolicy guard;
  ValidatorCache* cache = nullptr;  // needed for conditional requests; not owned, must outlive the client
  std::chrono::milliseconds connect_timeout{10000};
  size_t max_body_bytes = 50 * 1024 * 1024;
};

// "vigil/<VIGIL_VERSION> (+mailto:<contact_email>)", or "vigil/<VIGIL_VERSION>" without a contact.
std::string DefaultUserAgent(const std::string& contact_email);

class CurlHttpClient final : public HttpClient {
 public:
  // `clock` dates Retry-After HTTP-dates and must outlive the client.
  explicit CurlHttpClient(HttpClientOptions options, const Clock& clock = SystemClock::Instance());
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Result<HttpClientResponse> Send(const HttpClientRequest& request, const CancelToken* cancel = nullptr) override;

 private:
  // What the attempt loop decided after one transfer.
  struct AttemptVerdict {
    bool retry = false;
    std::chrono::milliseconds delay{0};
  };

  Result<HttpClientResponse> SendAttempts(const HttpClientRequest& request, const std::string& host,
                                          const HttpHeaders& extra_headers, const CancelToken* cancel);
  AttemptVerdict Judge(const HttpClientRequest& request, const TransferOutcome& outcome, int attempt,
                       std::optional<std::chrono::seconds>* retry_after);
  HttpHeaders ConditionalHeaders(const HttpClientRequest& request);
  void RememberValidators(const HttpClientRequest& request, const HttpClientResponse& response);

  CURL* TakeHandle(bool guarded);
  void ReturnHandle(CURL* easy, bool guarded);

  HttpClientOptions options_;
  const Clock& clock_;
  std::string user_agent_;
  AddressGuard guard_;
  RateLimiter limiter_;

  std::mutex mu_;  // guards the pools and the random source
  std::vector<CURL*> plain_handles_;
  std::vector<CURL*> guarded_handles_;
  std::mt19937_64 random_;
};

}  // namespace vigil

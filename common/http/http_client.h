// HttpClient: the interface in front of outbound HTTP (STYLE.md 3). Job handlers call Send on
// worker threads and may block in it (rate-limit waits, retries, the transfer itself); it is never
// called on the loop thread. CurlHttpClient (curl_http_client.h) is the real implementation; unit
// tests of jobs use a fake that answers from a table.
//
// Contract of Send:
// - Returns a response for every HTTP status the server answered with, 4xx and 5xx included
//   (after any retries the policy allows); the caller decides what a status means.
// - Returns an error Status for what is not an HTTP answer: a transport failure after the last
//   attempt, a refused address (address guard), too many redirects, a body past the size cap, a
//   malformed or non-http(s) URL, or cancellation. Error texts never contain header values, and
//   URLs in them have secret query values (api_key=...) redacted.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"

namespace vigil {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // whole transfer, per attempt
  bool from_data = false;       // the URL came from data (a citation, a feed): apply the address guard
  int max_redirects = 5;
  bool conditional = false;     // send and keep ETag / Last-Modified (needs an HttpCache)
  bool retry_non_idempotent = false;  // retry a POST/PUT/... too (it carries an idempotency key)
  bool secret_path = false;     // the URL's path is a credential (a Slack hook): logs and errors show scheme and host only
};

// The request's URL as logs and error texts may show it: RedactUrlPath when `secret_path`, else
// RedactUrlSecrets.
std::string LoggableUrl(const HttpClientRequest& request);

// `status` with every occurrence of the request's URL (as given and as RedactUrlSecrets shows it)
// replaced by LoggableUrl: for errors built from the URL below the client (its parser).
Status WithLoggableUrl(const Status& status, const HttpClientRequest& request);

struct HttpClientResponse {
  int status = 0;
  HttpHeaders headers;          // of the final response (after redirects)
  std::string body;             // decoded (gzip/deflate/brotli undone)
  std::string final_url;        // after redirects
  bool not_modified = false;    // 304 to a conditional request: body is empty, nothing changed
  int attempts = 0;             // transfers made, 1 when no retry happened
  double elapsed_s = 0;         // wall time of Send, waits included
  // The server's Retry-After when Send gave up waiting for it (past the policy's maximum wait),
  // so the job engine can reschedule the job for later.
  std::optional<std::chrono::seconds> retry_after;

  // First header with this name (case-insensitive); nullptr if absent.
  const std::string* Header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient();
  // See the contract above. `cancel` may be null; when set, waits and transfers end early with an
  // error that says "cancelled".
  virtual Result<HttpClientResponse> Send(const HttpClientRequest& request,
                                          const CancelToken* cancel = nullptr) = 0;
};

}  // namespace vigil

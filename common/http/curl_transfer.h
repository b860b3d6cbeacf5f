// One HTTP transfer (one attempt, redirects followed) on a libcurl easy handle: the part of
// CurlHttpClient that talks to libcurl. Retries, rate limits and the conditional-GET cache are
// the caller's business.
//
// What it sets up: connect and total timeouts, every content encoding libcurl can decode
// (CURLOPT_ACCEPT_ENCODING ""), redirects limited in number and to http/https, the body size cap
// (the transfer fails past it), cancellation through the progress callback, and, when given an
// AddressGuard, the check of every socket before it connects. Proxies come from the environment
// (libcurl's default, left alone).
//
// Threads: the easy handle must be used by one thread at a time; the caller's thread blocks for
// the transfer.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "common/cancel.h"
#include "common/http/address_guard.h"
#include "common/http/http_client.h"
#include "common/status.h"

namespace vigil {

struct TransferSettings {
  std::string user_agent;
  std::chrono::milliseconds connect_timeout{10000};
  size_t max_body_bytes = 50 * 1024 * 1024;
  const AddressGuard* guard = nullptr;  // non-null: refuse non-public addresses (from_data)
};

struct TransferOutcome {
  Status error;            // ok: an HTTP response arrived (any status)
  bool retryable = false;  // for errors: a transport failure another attempt may not meet
  int status = 0;
  HttpHeaders headers;     // of the last response (after redirects)
  std::string body;
  std::string final_url;
};

// Performs `request` on `easy` (which is reset first) with `extra_headers` added to the request's.
// Error texts name the method and the redacted URL, never header values.
TransferOutcome PerformTransfer(CURL* easy, const HttpClientRequest& request, const HttpHeaders& extra_headers,
                                const TransferSettings& settings, const CancelToken* cancel);

}  // namespace vigil

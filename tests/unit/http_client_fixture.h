// The stand-in remote for HttpClient tests: the real HttpServer on loopback with a few scripted
// routes, and a record of what arrived (paths, headers, arrival times, requests in flight).
//
// Threads: the handler runs on the fixture's loop thread; tests read the record from the test
// thread, so every access goes through `mu_`.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/http/curl_http_client.h"
#include "tests/support/http_server_fixture.h"

namespace vigil::testing {

// 100 lines of text, and the same gzip-compressed (Python's gzip.compress, mtime 0).
std::string GzipFixtureText();
std::string GzipFixtureBytes();

struct ArrivedRequest {
  std::string path;
  std::string query;
  std::string method;
  HttpHeaders headers;
  std::chrono::steady_clock::time_point at;

  std::string HeaderValue(std::string_view name) const;
};

class HttpClientFixture : public testsupport::HttpServerFixture {
 protected:
  // Routes:
  //   /ok              200 "hello"
  //   /echo-agent      200 with the User-Agent as body
  //   /gzip            200 with GzipFixtureBytes() and Content-Encoding: gzip
  //   /429-once        429 Retry-After: 1, then 200
  //   /503-twice       503 twice, then 200
  //   /always-503      503
  //   /retry-after-30  503 Retry-After: 30
  //   /etag            200 with ETag "v1"; 304 when If-None-Match is "v1"
  //   /last-modified   200 with Last-Modified; 304 when If-Modified-Since matches it
  //   /slow            200 after 150 ms
  //   /to-ok           302 to /ok;  /loop  302 to /loop
  //   /to-loopback     302 to http://127.0.0.1:<port>/ok;  /to-file  302 to file:///etc/passwd
  //   /big             200 with 2 MiB
  void SetUp() override;

  std::string Url(const std::string& path_and_query) const;
  std::vector<ArrivedRequest> Arrived();
  int ArrivedCount(const std::string& path);
  int MaxInFlight();

  static constexpr const char* kLastModified = "Wed, 21 Oct 2015 07:28:00 GMT";

 private:
  void Handle(HttpRequest&& request, Responder respond);
  HttpResponse Answer(const HttpRequest& request, int seen_before);

  std::mutex mu_;
  std::vector<ArrivedRequest> arrived_;
  std::map<std::string, int> counts_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
};

// Options for tests: no default host limits, fast retries, a contact address.
HttpClientOptions TestClientOptions();

}  // namespace vigil::testing

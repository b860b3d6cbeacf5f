// The remote for HttpClient tests: the stand-in server (tests/support/stand_in_server.h, whose
// record holds the paths, headers, arrival times and requests in flight) answering a fixed script
// of routes, listed below.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/http/curl_http_client.h"
#include "tests/support/stand_in_server.h"

namespace vigil::testing {

// 100 lines of text, and the same gzip-compressed (Python's gzip.compress, mtime 0).
std::string GzipFixtureText();
std::string GzipFixtureBytes();

class HttpClientFixture : public testsupport::StandInServer {
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

  static constexpr const char* kLastModified = "Wed, 21 Oct 2015 07:28:00 GMT";

 private:
  HttpResponse Answer(const HttpRequest& request, int seen_before);
};

// Options for tests: no default host limits, fast retries, a contact address.
HttpClientOptions TestClientOptions();

}  // namespace vigil::testing

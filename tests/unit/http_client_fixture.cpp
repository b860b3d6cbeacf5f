#include "tests/unit/http_client_fixture.h"

#include <strings.h>

namespace vigil::testing {
namespace {

const unsigned char kGzipBytes[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x85, 0xd6, 0xcb, 0x4d, 0x04, 0x31, 0x10, 0x40,
    0xc1, 0x3b, 0x51, 0x38, 0x04, 0xec, 0xf6, 0x37, 0xa0, 0x61, 0x77, 0xa4, 0x11, 0x20, 0x31, 0xe2, 0x40, 0xf4,
    0x88, 0x00, 0x28, 0x9f, 0xdf, 0xad, 0xe4, 0x76, 0xf7, 0x75, 0xbe, 0x1f, 0xe9, 0x35, 0x7d, 0xbc, 0xa5, 0xfb,
    0x79, 0xa4, 0xef, 0xf3, 0x71, 0x5e, 0xe9, 0xf1, 0x73, 0x7e, 0xa6, 0xfb, 0xf8, 0xba, 0x5f, 0xae, 0xbf, 0x9a,
    0x59, 0x0b, 0x6b, 0xb0, 0x56, 0xd6, 0xc6, 0xda, 0x59, 0x07, 0xeb, 0x64, 0x5d, 0xd6, 0xd8, 0x60, 0x59, 0x2b,
    0x9b, 0x2b, 0xdb, 0x2b, 0x1b, 0x2c, 0x5b, 0x2c, 0x9b, 0x2c, 0xdb, 0x2c, 0x1b, 0x2d, 0x5b, 0xad, 0x58, 0xad,
    0x6c, 0xde, 0x98, 0xd5, 0x8a, 0xd5, 0x8a, 0xd5, 0x8a, 0xd5, 0x8a, 0xd5, 0x8a, 0xd5, 0x8a, 0xd5, 0x8a, 0xd5,
    0xc2, 0x6a, 0x61, 0xb5, 0xd8, 0x8c, 0xa6, 0xd5, 0xc2, 0x6a, 0x61, 0xb5, 0xb0, 0x5a, 0x58, 0x2d, 0xac, 0x16,
    0x56, 0xab, 0x56, 0xab, 0x56, 0xab, 0x56, 0xab, 0x9b, 0x1f, 0xcd, 0x6a, 0xd5, 0x6a, 0xd5, 0x6a, 0xd5, 0x6a,
    0xd5, 0x6a, 0xd5, 0x6a, 0xcd, 0x6a, 0xcd, 0x6a, 0xcd, 0x6a, 0xcd, 0x6a, 0x6d, 0xb3, 0x08, 0xac, 0xd6, 0xac,
    0xd6, 0xac, 0xd6, 0xac, 0xd6, 0xac, 0xd6, 0xad, 0xd6, 0xad, 0xd6, 0xad, 0xd6, 0xad, 0xd6, 0xad, 0xd6, 0x37,
    0xfb, 0xd3, 0x6a, 0xdd, 0x6a, 0xdd, 0x6a, 0xdd, 0x6a, 0xc3, 0x6a, 0xc3, 0x6a, 0xc3, 0x6a, 0xc3, 0x6a, 0xc3,
    0x6a, 0xc3, 0x6a, 0x63, 0x73, 0x76, 0x58, 0x6d, 0x58, 0x6d, 0x58, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d,
    0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x6e, 0xae, 0x35, 0xab, 0x4d, 0xab, 0x2d, 0xab, 0x2d, 0xab,
    0x2d, 0xab, 0x2d, 0xab, 0x2d, 0xab, 0x2d, 0xab, 0x2d, 0xab, 0x2d, 0xab, 0xad, 0xcd, 0x91, 0xfb, 0xaf, 0xda,
    0x2f, 0x7d, 0x49, 0x7b, 0xb9, 0x12, 0x0c, 0x00, 0x00
};

HttpResponse WithHeader(HttpResponse response, std::string name, std::string value) {
  response.headers.emplace_back(std::move(name), std::move(value));
  return response;
}

HttpResponse Redirect(std::string location) {
  return WithHeader(HttpResponse::Text(302, ""), "Location", std::move(location));
}

}  // namespace

std::string GzipFixtureText() {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "line " + std::to_string(i) + " of the vigil gzip test\n";
  return text;
}

std::string GzipFixtureBytes() { return std::string(reinterpret_cast<const char*>(kGzipBytes), sizeof kGzipBytes); }

std::string ArrivedRequest::HeaderValue(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  }
  return "";
}

void HttpClientFixture::SetUp() {
  StartServer([this](HttpRequest&& request, Responder respond) { Handle(std::move(request), std::move(respond)); });
}

std::string HttpClientFixture::Url(const std::string& path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path_and_query;
}

std::vector<ArrivedRequest> HttpClientFixture::Arrived() {
  std::lock_guard<std::mutex> lock(mu_);
  return arrived_;
}

int HttpClientFixture::ArrivedCount(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_[path];
}

int HttpClientFixture::MaxInFlight() {
  std::lock_guard<std::mutex> lock(mu_);
  return max_in_flight_;
}

void HttpClientFixture::Handle(HttpRequest&& request, Responder respond) {
  int seen_before = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    arrived_.push_back(
        {request.path, request.query, request.method, request.headers, std::chrono::steady_clock::now()});
    seen_before = counts_[request.path]++;
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  }
  HttpResponse response = Answer(request, seen_before);
  auto finish = [this, respond = std::move(respond)](HttpResponse r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
    }
    respond(std::move(r));
  };
  if (request.path == "/slow") {
    testsupport::RespondLater(loop(), 150, finish, std::move(response));
  } else {
    finish(std::move(response));
  }
}

HttpResponse HttpClientFixture::Answer(const HttpRequest& request, int seen_before) {
  const std::string& path = request.path;
  const std::string* header = nullptr;
  if (path == "/echo-agent") {
    header = request.Header("User-Agent");
    return HttpResponse::Text(200, header != nullptr ? *header : "");
  }
  if (path == "/gzip") return WithHeader(HttpResponse::Text(200, GzipFixtureBytes()), "Content-Encoding", "gzip");
  if (path == "/429-once" && seen_before == 0) {
    return WithHeader(HttpResponse::Text(429, "slow down"), "Retry-After", "1");
  }
  if ((path == "/503-twice" && seen_before < 2) || path == "/always-503") return HttpResponse::Text(503, "busy");
  if (path == "/retry-after-30") return WithHeader(HttpResponse::Text(503, "later"), "Retry-After", "30");
  if (path == "/etag") {
    header = request.Header("If-None-Match");
    if (header != nullptr && *header == "\"v1\"") return HttpResponse::Text(304, "");
    return WithHeader(HttpResponse::Text(200, "etag body"), "ETag", "\"v1\"");
  }
  if (path == "/last-modified") {
    header = request.Header("If-Modified-Since");
    if (header != nullptr && *header == kLastModified) return HttpResponse::Text(304, "");
    return WithHeader(HttpResponse::Text(200, "dated body"), "Last-Modified", kLastModified);
  }
  if (path == "/to-ok") return Redirect("/ok");
  if (path == "/loop") return Redirect("/loop");
  if (path == "/to-loopback") return Redirect(Url("/ok"));
  if (path == "/to-file") return Redirect("file:///etc/passwd");
  if (path == "/big") return HttpResponse::Text(200, std::string(2 * 1024 * 1024, 'x'));
  return HttpResponse::Text(200, "hello");
}

HttpClientOptions TestClientOptions() {
  HttpClientOptions options;
  options.contact_email = "ops@example.org";
  options.host_limits.clear();
  options.retry.base_delay = std::chrono::milliseconds(20);
  options.retry.max_delay = std::chrono::milliseconds(100);
  return options;
}

}  // namespace vigil::testing

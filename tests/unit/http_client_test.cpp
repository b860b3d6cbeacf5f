// CurlHttpClient against the real HttpServer on loopback: decoding, retries, Retry-After, limits,
// redirects, the body cap, the User-Agent, cancellation and what errors may reveal.
#include "common/http/curl_http_client.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/wait_for.h"
#include "tests/unit/http_client_fixture.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::HttpClientFixture;
using testing::TestClientOptions;

using HttpClientTest = HttpClientFixture;

HttpClientRequest Get(const std::string& url) {
  HttpClientRequest request;
  request.url = url;
  return request;
}

TEST_F(HttpClientTest, GetReturnsStatusBodyAndHeaders) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/ok")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->attempts, 1);
  EXPECT_FALSE(response->not_modified);
  EXPECT_EQ(response->final_url, Url("/ok"));
  ASSERT_NE(response->Header("content-length"), nullptr);
  EXPECT_EQ(*response->Header("Content-Length"), "5");
}

TEST_F(HttpClientTest, NonSuccessStatusIsAResponseNotAnError) {
  CurlHttpClient client(TestClientOptions());
  HttpClientRequest request = Get(Url("/always-503"));
  request.method = "DELETE";  // not retried, so one 503 comes back
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(Arrivals().at(0).method, "DELETE");
}

TEST_F(HttpClientTest, GzipEncodedBodyIsDecoded) {
  ASSERT_LT(testing::GzipFixtureBytes().size(), testing::GzipFixtureText().size() / 4);  // really compressed
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/gzip")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->body, testing::GzipFixtureText());
  EXPECT_NE(Arrivals().at(0).HeaderValue("Accept-Encoding").find("gzip"), std::string::npos);
}

TEST_F(HttpClientTest, UserAgentNamesVigilAndTheContactAddress) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/echo-agent")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->body, std::string("vigil/") + VIGIL_VERSION + " (+mailto:ops@example.org)");
}

TEST_F(HttpClientTest, RequestHeadersAndBodyAreSent) {
  CurlHttpClient client(TestClientOptions());
  HttpClientRequest request = Get(Url("/ok"));
  request.method = "POST";
  request.body = R"({"a":1})";
  request.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "k-1"}};
  ASSERT_TRUE(client.Send(request).ok());
  auto arrived = Arrivals();
  ASSERT_EQ(arrived.size(), 1u);
  EXPECT_EQ(arrived[0].method, "POST");
  EXPECT_EQ(arrived[0].HeaderValue("Idempotency-Key"), "k-1");
  EXPECT_EQ(arrived[0].HeaderValue("Content-Type"), "application/json");
}

TEST_F(HttpClientTest, TooManyRequestsWaitsForRetryAfterThenSucceeds) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/429-once")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->attempts, 2);
  EXPECT_GE(response->elapsed_s, 0.95);
  auto arrived = Arrivals();
  ASSERT_EQ(arrived.size(), 2u);
  EXPECT_GE(arrived[1].at - arrived[0].at, 950ms);
}

TEST_F(HttpClientTest, ServiceUnavailableIsRetriedWithBackoffUntilSuccess) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/503-twice")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->attempts, 3);
  EXPECT_EQ(ArrivedCount("/503-twice"), 3);
}

TEST_F(HttpClientTest, RetriesStopAtMaxAttemptsAndReturnTheLastResponse) {
  HttpClientOptions options = TestClientOptions();
  options.retry.max_attempts = 3;
  CurlHttpClient client(options);
  auto response = client.Send(Get(Url("/always-503")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->attempts, 3);
  EXPECT_EQ(ArrivedCount("/always-503"), 3);
}

TEST_F(HttpClientTest, NonIdempotentPostIsNotRetried) {
  CurlHttpClient client(TestClientOptions());
  HttpClientRequest request = Get(Url("/always-503"));
  request.method = "POST";
  request.body = "x";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->attempts, 1);
  EXPECT_EQ(ArrivedCount("/always-503"), 1);
}

TEST_F(HttpClientTest, PostMarkedRetrySafeIsRetried) {
  CurlHttpClient client(TestClientOptions());
  HttpClientRequest request = Get(Url("/503-twice"));
  request.method = "POST";
  request.body = "x";
  request.retry_non_idempotent = true;
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ArrivedCount("/503-twice"), 3);
}

TEST_F(HttpClientTest, RetryAfterPastTheMaximumWaitReturnsAtOnceForRescheduling) {
  HttpClientOptions options = TestClientOptions();
  options.retry.max_retry_after = 5s;
  CurlHttpClient client(options);
  auto response = client.Send(Get(Url("/retry-after-30")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->attempts, 1);
  ASSERT_TRUE(response->retry_after.has_value());
  EXPECT_EQ(*response->retry_after, 30s);
  EXPECT_LT(response->elapsed_s, 1.0);
}

TEST_F(HttpClientTest, CancelDuringRetryAfterWaitReturnsPromptly) {
  CurlHttpClient client(TestClientOptions());
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);  // a stimulus: the cancel comes 200 ms into the wait
    cancel.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto response = client.Send(Get(Url("/retry-after-30")), &cancel);
  auto took = std::chrono::steady_clock::now() - start;
  canceller.join();
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("cancelled"), std::string::npos) << response.error();
  EXPECT_LT(took, 1s);
  EXPECT_EQ(ArrivedCount("/retry-after-30"), 1);
}

TEST_F(HttpClientTest, AlreadyCancelledTokenSendsNothing) {
  CurlHttpClient client(TestClientOptions());
  CancelToken cancel;
  cancel.Cancel();
  EXPECT_FALSE(client.Send(Get(Url("/ok")), &cancel).ok());
  EXPECT_EQ(ArrivedCount("/ok"), 0);
}

TEST_F(HttpClientTest, RateLimitSpacesRequestsToAHost) {
  HttpClientOptions options = TestClientOptions();
  HostLimit limit{"127.0.0.1"};
  limit.requests_per_second = 5;
  options.host_limits.push_back(limit);
  CurlHttpClient client(options);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(client.Send(Get(Url("/ok"))).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 600ms);
  auto arrived = Arrivals();
  ASSERT_EQ(arrived.size(), 4u);
  // Starts are paced 200 ms apart; arrival adds a little jitter (the first connect), hence 190.
  for (size_t i = 1; i < arrived.size(); ++i) EXPECT_GE(arrived[i].at - arrived[i - 1].at, 190ms) << i;
}

TEST_F(HttpClientTest, HostsWithoutALimitAreNotPaced) {
  CurlHttpClient client(TestClientOptions());
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(client.Send(Get(Url("/ok"))).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
}

// Two threads send the same request at once.
void SendTwoAtOnce(CurlHttpClient& client, const std::string& url) {
  auto send = [&] { EXPECT_TRUE(client.Send(Get(url)).ok()); };
  std::thread a(send), b(send);
  a.join();
  b.join();
}

TEST_F(HttpClientTest, MaxConcurrencyOneAllowsOneRequestInFlight) {
  HttpClientOptions options = TestClientOptions();
  HostLimit limit{"127.0.0.1"};
  limit.max_concurrency = 1;
  options.host_limits.push_back(limit);
  CurlHttpClient client(options);
  auto start = std::chrono::steady_clock::now();
  SendTwoAtOnce(client, Url("/slow"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(ArrivedCount("/slow"), 2);
  EXPECT_EQ(MaxInFlight(), 1);
}

TEST_F(HttpClientTest, WithoutAConcurrencyLimitRequestsOverlap) {
  CurlHttpClient client(TestClientOptions());
  SendTwoAtOnce(client, Url("/slow"));
  EXPECT_EQ(MaxInFlight(), 2);
}

TEST_F(HttpClientTest, RedirectsAreFollowed) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/to-ok")));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->final_url, Url("/ok"));
}

TEST_F(HttpClientTest, RedirectsAreBounded) {
  CurlHttpClient client(TestClientOptions());
  HttpClientRequest request = Get(Url("/loop"));
  request.max_redirects = 3;
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("too many redirects"), std::string::npos) << response.error();
  EXPECT_EQ(ArrivedCount("/loop"), 4);  // the request and three redirects, then it stops
}

TEST_F(HttpClientTest, RedirectToANonHttpSchemeIsRefused) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get(Url("/to-file")));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().find("root:"), std::string::npos);
}

TEST_F(HttpClientTest, NonHttpUrlIsRefused) {
  CurlHttpClient client(TestClientOptions());
  auto response = client.Send(Get("file:///etc/passwd"));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("scheme file"), std::string::npos) << response.error();
}

TEST_F(HttpClientTest, BodyPastTheCapIsAnError) {
  HttpClientOptions options = TestClientOptions();
  options.max_body_bytes = 1024 * 1024;
  CurlHttpClient client(options);
  auto response = client.Send(Get(Url("/big")));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("larger than the cap"), std::string::npos) << response.error();
  EXPECT_EQ(ArrivedCount("/big"), 1);  // not retried
}

TEST_F(HttpClientTest, BodyCapAppliesToTheDecodedBody) {
  HttpClientOptions options = TestClientOptions();
  options.max_body_bytes = 1000;  // more than the 279 compressed bytes, less than the text
  CurlHttpClient client(options);
  auto response = client.Send(Get(Url("/gzip")));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("larger than the cap"), std::string::npos) << response.error();
}

TEST_F(HttpClientTest, ConnectionErrorsAreRetriedThenReported) {
  HttpClientOptions options = TestClientOptions();
  options.retry.max_attempts = 2;
  CurlHttpClient client(options);
  int closed_port = port();
  BeginClose();
  ASSERT_TRUE(testing::WaitFor([&] { return closed(); }, 3s, 5ms));
  auto response = client.Send(Get("http://127.0.0.1:" + std::to_string(closed_port) + "/ok"));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("after 2 attempts"), std::string::npos) << response.error();
}

TEST_F(HttpClientTest, ErrorsRedactApiKeysAndNeverShowHeaderValues) {
  HttpClientOptions options = TestClientOptions();
  options.retry.max_attempts = 1;
  options.max_body_bytes = 10;
  CurlHttpClient client(options);
  HttpClientRequest request = Get(Url("/big?db=pubmed&api_key=SECRETKEY123"));
  request.headers = {{"Authorization", "Bearer SECRETTOKEN456"}};
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().find("api_key=***"), std::string::npos) << response.error();
  EXPECT_EQ(response.error().find("SECRETKEY123"), std::string::npos) << response.error();
  EXPECT_EQ(response.error().find("SECRETTOKEN456"), std::string::npos) << response.error();
  EXPECT_EQ(Arrivals().at(0).query, "db=pubmed&api_key=SECRETKEY123");  // the real key was sent
}

}  // namespace
}  // namespace vigil

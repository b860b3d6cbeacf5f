// The address guard end to end: requests whose URL came from data are refused when their host,
// or any redirect's, resolves to a non-public address, before any byte is sent there.
#include <gtest/gtest.h>

#include "common/http/curl_http_client.h"
#include "tests/unit/http_client_fixture.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;
using testing::TestClientOptions;

using HttpClientGuardTest = testing::HttpClientFixture;

HttpClientRequest FromData(const std::string& url) {
  HttpClientRequest request;
  request.url = url;
  request.from_data = true;
  request.timeout = 3s;
  return request;
}

// Sends a from-data request and returns the error ("" if it was not refused).
std::string RefusalOf(const std::string& url, HttpClientOptions options = TestClientOptions()) {
  CurlHttpClient client(std::move(options));
  auto response = client.Send(FromData(url));
  return response.ok() ? "" : response.error();
}

TEST_F(HttpClientGuardTest, RefusesLoopbackAndSendsNothing) {
  EXPECT_EQ(RefusalOf(Url("/ok")), "refused: 127.0.0.1 resolves to 127.0.0.1 (loopback)");
  EXPECT_EQ(ArrivedCount("/ok"), 0);
}

TEST_F(HttpClientGuardTest, RefusesPrivateAddressBeforeConnecting) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(RefusalOf("http://10.0.0.1/"), "refused: 10.0.0.1 resolves to 10.0.0.1 (private)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);  // no connect attempt timed out
}

TEST_F(HttpClientGuardTest, RefusesCloudMetadataLinkLocal) {
  EXPECT_EQ(RefusalOf("http://169.254.169.254/latest/meta-data/"),
            "refused: 169.254.169.254 resolves to 169.254.169.254 (link-local)");
}

TEST_F(HttpClientGuardTest, RefusesIpv6Loopback) {
  EXPECT_EQ(RefusalOf("http://[::1]:" + std::to_string(port()) + "/ok"), "refused: [::1] resolves to ::1 (loopback)");
}

TEST_F(HttpClientGuardTest, RefusesIpv4MappedLoopback) {
  std::string error = RefusalOf("http://[::ffff:127.0.0.1]:" + std::to_string(port()) + "/ok");
  EXPECT_NE(error.find("(IPv4-mapped loopback)"), std::string::npos) << error;
  EXPECT_EQ(ArrivedCount("/ok"), 0);
}

TEST_F(HttpClientGuardTest, RefusesDecimalIntegerHost) {
  std::string error = RefusalOf("http://2130706433:" + std::to_string(port()) + "/ok");
  EXPECT_NE(error.find("resolves to 127.0.0.1 (loopback)"), std::string::npos) << error;
  EXPECT_EQ(ArrivedCount("/ok"), 0);
}

TEST_F(HttpClientGuardTest, RefusesHexIntegerHost) {
  std::string error = RefusalOf("http://0x7f000001:" + std::to_string(port()) + "/ok");
  EXPECT_NE(error.find("resolves to 127.0.0.1 (loopback)"), std::string::npos) << error;
  EXPECT_EQ(ArrivedCount("/ok"), 0);
}

TEST_F(HttpClientGuardTest, AllowlistedHostIsFetched) {
  HttpClientOptions options = TestClientOptions();
  options.guard.allow_hosts = {"localhost"};
  CurlHttpClient client(options);
  auto response = client.Send(FromData("http://localhost:" + std::to_string(port()) + "/ok"));
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->body, "hello");
}

TEST_F(HttpClientGuardTest, RefusesRedirectFromAllowedHostToLoopback) {
  HttpClientOptions options = TestClientOptions();
  options.guard.allow_hosts = {"localhost"};
  CurlHttpClient client(options);
  auto response = client.Send(FromData("http://localhost:" + std::to_string(port()) + "/to-loopback"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), "refused: 127.0.0.1 resolves to 127.0.0.1 (loopback)");
  EXPECT_EQ(ArrivedCount("/to-loopback"), 1);
  EXPECT_EQ(ArrivedCount("/ok"), 0);
}

TEST_F(HttpClientGuardTest, RequestsNotFromDataAreNotGuarded) {
  CurlHttpClient client(TestClientOptions());
  HttpClientRequest request = FromData(Url("/ok"));
  request.from_data = false;
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.error();
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace vigil

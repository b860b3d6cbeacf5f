// Conditional GET end to end on both dialects: validators are stored in vigil_http_cache after a
// 200 and sent back, and the 304 that follows reaches the caller as not_modified.
#include "store/http_cache.h"

#include <gtest/gtest.h>

#include "common/http/curl_http_client.h"
#include "tests/support/test_db.h"
#include "tests/unit/http_client_fixture.h"

namespace vigil {
namespace {

class HttpCacheTest : public testing::HttpClientFixture, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    HttpClientFixture::SetUp();
    db_ = std::make_unique<testing::TestDb>(GetParam());
    conn_ = db_->ConnectMigrated();
    ASSERT_NE(conn_, nullptr);
  }
  void TearDown() override {
    conn_.reset();
    db_.reset();
    HttpClientFixture::TearDown();
  }

  HttpCache MakeCache() {
    return HttpCache([this] { return conn_.get(); }, clock_);
  }

  HttpClientRequest ConditionalGet(const std::string& path) {
    HttpClientRequest request;
    request.url = Url(path);
    request.conditional = true;
    return request;
  }

  // The stored row for a URL as "etag|last_modified|updated_at", or "" if absent.
  std::string StoredRow(const std::string& url) {
    auto result = conn_->Query("SELECT etag, last_modified, updated_at FROM vigil_http_cache WHERE url = $1", {url});
    EXPECT_TRUE(result.ok()) << result.error();
    if (!result.ok() || result->rows.empty()) return "";
    const SqlRow& row = result->rows.front();
    return row.Text(0) + "|" + row.Text(1) + "|" + std::to_string(row.Int(2));
  }

  FakeClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  std::unique_ptr<testing::TestDb> db_;
  std::unique_ptr<SqlConnection> conn_;
};

TEST_P(HttpCacheTest, EtagIsStoredThenSentAndA304IsNotModified) {
  HttpCache cache = MakeCache();
  HttpClientOptions options = testing::TestClientOptions();
  options.cache = &cache;
  CurlHttpClient client(options);

  auto first = client.Send(ConditionalGet("/etag"));
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->status, 200);
  EXPECT_FALSE(first->not_modified);
  EXPECT_EQ(StoredRow(Url("/etag")), "\"v1\"||1700000000000000");

  auto second = client.Send(ConditionalGet("/etag"));
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->not_modified);
  EXPECT_EQ(second->body, "");
  auto arrived = Arrivals();
  ASSERT_EQ(arrived.size(), 2u);
  EXPECT_EQ(arrived[0].HeaderValue("If-None-Match"), "");
  EXPECT_EQ(arrived[1].HeaderValue("If-None-Match"), "\"v1\"");
}

TEST_P(HttpCacheTest, LastModifiedIsSentAsIfModifiedSince) {
  HttpCache cache = MakeCache();
  HttpClientOptions options = testing::TestClientOptions();
  options.cache = &cache;
  CurlHttpClient client(options);
  ASSERT_TRUE(client.Send(ConditionalGet("/last-modified")).ok());
  auto second = client.Send(ConditionalGet("/last-modified"));
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_TRUE(second->not_modified);
  EXPECT_EQ(Arrivals().at(1).HeaderValue("If-Modified-Since"), kLastModified);
}

TEST_P(HttpCacheTest, UnconditionalRequestsNeitherSendNorStoreValidators) {
  HttpCache cache = MakeCache();
  HttpClientOptions options = testing::TestClientOptions();
  options.cache = &cache;
  CurlHttpClient client(options);
  HttpClientRequest request = ConditionalGet("/etag");
  request.conditional = false;
  ASSERT_TRUE(client.Send(request).ok());
  EXPECT_EQ(StoredRow(Url("/etag")), "");
}

TEST_P(HttpCacheTest, StoreUpsertsAndKeysWithoutTheApiKey) {
  HttpCache cache = MakeCache();
  const std::string url = "https://eutils.ncbi.nlm.nih.gov/x?db=pubmed&api_key=SECRET";
  ASSERT_TRUE(cache.Store(url, {"\"a\"", ""}).ok());
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(cache.Store(url, {"\"b\"", "Tue, 01 Jan 2030 00:00:00 GMT"}).ok());
  EXPECT_EQ(StoredRow("https://eutils.ncbi.nlm.nih.gov/x?db=pubmed&api_key=***"),
            "\"b\"|Tue, 01 Jan 2030 00:00:00 GMT|1700000005000000");
  auto found = cache.Lookup(url);
  ASSERT_TRUE(found.ok()) << found.error();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->etag, "\"b\"");
}

TEST_P(HttpCacheTest, StoringNoValidatorsForgetsTheUrl) {
  HttpCache cache = MakeCache();
  ASSERT_TRUE(cache.Store("https://e/x", {"\"a\"", ""}).ok());
  ASSERT_TRUE(cache.Store("https://e/x", {"", ""}).ok());
  auto found = cache.Lookup("https://e/x");
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_FALSE(found->has_value());
}

INSTANTIATE_TEST_SUITE_P(Dialects, HttpCacheTest, ::testing::ValuesIn(testing::kDialects));

}  // namespace
}  // namespace vigil

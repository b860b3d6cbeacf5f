#include "config/http_client_config.h"
#include "sources/watcher_checks.h"

#include <gtest/gtest.h>

namespace vigil {

TEST(HttpClientConfig, RateLimitsAppendToTheDefaults) {
  auto c = ParseConfig("http:\n  contact_email: ops@example.org\n  rate_limits:\n    - host: api.crossref.org\n"
                         "      requests_per_second: 5\n      max_concurrency: 2\n    - host: export.arxiv.org\n"
                         "      min_interval: 5s\n", "/x/vigil.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  auto o = HttpClientOptionsFrom(**c);
  ASSERT_TRUE(o.ok()) << o.error();
  EXPECT_EQ(o->contact_email, "ops@example.org");
  size_t defaults = DefaultHostLimits().size();
  ASSERT_EQ(o->host_limits.size(), defaults + 2);
  EXPECT_EQ(o->host_limits[defaults].host, "api.crossref.org");
  EXPECT_EQ(o->host_limits[defaults].requests_per_second, 5);
  EXPECT_EQ(o->host_limits[defaults].max_concurrency, 2);
  EXPECT_EQ(o->host_limits[defaults + 1].min_interval, std::chrono::seconds(5));
}

TEST(HttpClientConfig, BadEntryNamesItsPosition) {
  auto c = ParseConfig("http:\n  rate_limits:\n    - host: x\n      min_interval: soon\n", "/x/vigil.yaml");
  ASSERT_TRUE(c.ok());
  auto o = HttpClientOptionsFrom(**c);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error(), "vigil.yaml:4:21: http.rate_limits[0].min_interval: expected a duration such as 90s, 5m, 1h or 1d, got \"soon\"");
}

}  // namespace vigil

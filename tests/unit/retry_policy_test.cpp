// Backoff growth and jitter, Retry-After parsing, which statuses and methods are retried and
// which statuses are permanent.
#include "common/http/retry_policy.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicyTest, BackoffDoublesWithinJitterAndIsCapped) {
  RetryPolicy policy;  // base 1 s, cap 60 s
  std::mt19937_64 random(42);
  for (int i = 0; i < 50; ++i) {
    auto second = BackoffDelay(policy, 2, random);
    EXPECT_GE(second, 500ms);
    EXPECT_LE(second, 1000ms);
    auto fourth = BackoffDelay(policy, 4, random);
    EXPECT_GE(fourth, 2000ms);
    EXPECT_LE(fourth, 4000ms);
    auto late = BackoffDelay(policy, 20, random);
    EXPECT_GE(late, 30000ms);
    EXPECT_LE(late, 60000ms);
  }
}

TEST(RetryPolicyTest, RetryAfterSecondsAndHttpDate) {
  TimePoint now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), std::optional<std::chrono::seconds>(120s));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), std::optional<std::chrono::seconds>(0s));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), std::optional<std::chrono::seconds>(30s));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), std::optional<std::chrono::seconds>(0s));
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("", now).has_value());
}

TEST(RetryPolicyTest, RetryableStatuses) {
  EXPECT_TRUE(IsRetryableStatus(429));
  EXPECT_TRUE(IsRetryableStatus(500));
  EXPECT_TRUE(IsRetryableStatus(503));
  EXPECT_FALSE(IsRetryableStatus(501));
  EXPECT_FALSE(IsRetryableStatus(404));
  EXPECT_FALSE(IsRetryableStatus(200));
}

// A request that is wrong stays wrong: permanent, never retried; the rest may heal by waiting.
TEST(RetryPolicyTest, PermanentStatusesAreToldFromTransientOnes) {
  for (int status : {400, 401, 403, 404, 410, 422}) {
    EXPECT_TRUE(IsPermanentStatus(status)) << status;
    EXPECT_FALSE(IsRetryableStatus(status)) << status;
    EXPECT_EQ(HttpStatusError(status, "https://x.example/feed").kind(), ErrorKind::kPermanent) << status;
  }
  for (int status : {408, 429, 500, 502, 503, 504}) {
    EXPECT_FALSE(IsPermanentStatus(status)) << status;
    EXPECT_EQ(HttpStatusError(status, "https://x.example/feed").kind(), ErrorKind::kUnavailable) << status;
  }
  EXPECT_EQ(HttpStatusError(404, "https://x.example/feed").message(), "HTTP 404 from https://x.example/feed");
}

TEST(RetryPolicyTest, OnlyReadsAreRetrySafe) {
  EXPECT_TRUE(IsRetrySafeMethod("GET"));
  EXPECT_TRUE(IsRetrySafeMethod("HEAD"));
  EXPECT_FALSE(IsRetrySafeMethod("POST"));
  EXPECT_FALSE(IsRetrySafeMethod("PATCH"));
}

}  // namespace
}  // namespace vigil

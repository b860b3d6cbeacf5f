#include "jobs/engine/backoff.h"

#include <gtest/gtest.h>

namespace vigil {

TEST(Backoff, DoublesPerAttemptWithoutJitter) {
  BackoffPolicy p{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 0};
  EXPECT_EQ(RetryDelay(p, 1, 0.5).count(), 1000);
  EXPECT_EQ(RetryDelay(p, 2, 0.5).count(), 2000);
  EXPECT_EQ(RetryDelay(p, 5, 0.5).count(), 16000);
}

TEST(Backoff, IsCapped) {
  BackoffPolicy p{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 0.25};
  EXPECT_EQ(RetryDelay(p, 30, 0.99).count(), 60000);
  EXPECT_EQ(RetryDelay(p, 1000, 0.0).count(), 45000);
}

TEST(Backoff, JitterSpreadsWithinBounds) {
  BackoffPolicy p{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 0.25};
  EXPECT_EQ(RetryDelay(p, 3, 0.0).count(), 3000);
  EXPECT_EQ(RetryDelay(p, 3, 1.0).count(), 5000);
  EXPECT_EQ(RetryDelay(p, 3, 0.5).count(), 4000);
}

}  // namespace vigil

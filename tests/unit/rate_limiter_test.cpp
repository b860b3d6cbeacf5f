// Per-host pacing and concurrency of the RateLimiter, timed on the real clock.
#include "common/http/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace vigil {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

HostLimit PerSecond(const std::string& host, double rps, double rps_with_key = 0) {
  HostLimit limit{host};
  limit.requests_per_second = rps;
  limit.requests_per_second_with_api_key = rps_with_key;
  return limit;
}

// How long `n` back-to-back acquisitions take.
Steady::duration TimeAcquisitions(RateLimiter& limiter, const std::string& host, bool api_key, int n) {
  auto start = Steady::now();
  for (int i = 0; i < n; ++i) EXPECT_TRUE(limiter.Acquire(host, api_key, nullptr).ok());
  return Steady::now() - start;
}

TEST(RateLimiterTest, DefaultsCoverNcbiAndArxiv) {
  auto limits = DefaultHostLimits();
  ASSERT_EQ(limits.size(), 2u);
  EXPECT_EQ(limits[0].host, "eutils.ncbi.nlm.nih.gov");
  EXPECT_EQ(limits[0].requests_per_second, 3);
  EXPECT_EQ(limits[0].requests_per_second_with_api_key, 10);
  EXPECT_EQ(limits[1].host, "export.arxiv.org");
  EXPECT_EQ(limits[1].min_interval, 3s);
  EXPECT_EQ(limits[1].max_concurrency, 1);
}

TEST(RateLimiterTest, ApiKeyRequestsUseTheirOwnFasterPace) {
  RateLimiter limiter({PerSecond("h", 5, 20)});  // 200 ms apart, 50 ms with a key
  auto with_key = TimeAcquisitions(limiter, "h", true, 3);
  EXPECT_GE(with_key, 100ms);
  EXPECT_LT(with_key, 200ms);
  auto without_key = TimeAcquisitions(limiter, "h", false, 3);
  EXPECT_GE(without_key, 400ms);
}

TEST(RateLimiterTest, MinIntervalAndRateTheStricterWins) {
  HostLimit limit = PerSecond("h", 100);  // 10 ms
  limit.min_interval = 100ms;
  RateLimiter limiter({limit});
  EXPECT_GE(TimeAcquisitions(limiter, "h", false, 3), 200ms);
}

TEST(RateLimiterTest, LaterEntryForAHostReplacesTheDefault) {
  std::vector<HostLimit> limits = DefaultHostLimits();
  limits.push_back(HostLimit{"export.arxiv.org"});  // no limit at all
  RateLimiter limiter(limits);
  EXPECT_LT(TimeAcquisitions(limiter, "export.arxiv.org", false, 3), 100ms);
}

TEST(RateLimiterTest, UnlistedHostsAreNotLimited) {
  RateLimiter limiter(DefaultHostLimits());
  EXPECT_LT(TimeAcquisitions(limiter, "example.org", false, 20), 50ms);
}

TEST(RateLimiterTest, ConcurrencySlotIsHeldUntilThePermitGoes) {
  HostLimit limit{"h"};
  limit.max_concurrency = 1;
  RateLimiter limiter({limit});
  auto first = limiter.Acquire("h", false, nullptr);
  ASSERT_TRUE(first.ok());
  HostPermit held = std::move(first.value());
  std::atomic<bool> second_acquired{false};
  std::thread waiter([&] {
    auto permit = limiter.Acquire("h", false, nullptr);
    second_acquired = permit.ok();
  });
  std::this_thread::sleep_for(100ms);  // a stimulus: the slot stays held for 100 ms
  EXPECT_FALSE(second_acquired.load());
  held = HostPermit();  // releases the first slot
  waiter.join();
  EXPECT_TRUE(second_acquired.load());
}

TEST(RateLimiterTest, CancelEndsAWaitForASlot) {
  HostLimit limit{"h"};
  limit.max_concurrency = 1;
  RateLimiter limiter({limit});
  auto held = limiter.Acquire("h", false, nullptr);
  ASSERT_TRUE(held.ok());
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);  // a stimulus: the cancel comes 50 ms into the wait
    cancel.Cancel();
  });
  auto start = Steady::now();
  auto second = limiter.Acquire("h", false, &cancel);
  canceller.join();
  EXPECT_FALSE(second.ok());
  EXPECT_LT(Steady::now() - start, 500ms);
}

TEST(RateLimiterTest, CancelEndsAWaitForThePace) {
  HostLimit limit{"h"};
  limit.min_interval = 10s;
  RateLimiter limiter({limit});
  ASSERT_TRUE(limiter.Acquire("h", false, nullptr).ok());
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);  // a stimulus: the cancel comes 50 ms into the wait
    cancel.Cancel();
  });
  auto start = Steady::now();
  auto second = limiter.Acquire("h", false, &cancel);
  canceller.join();
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("cancelled"), std::string::npos);
  EXPECT_LT(Steady::now() - start, 500ms);
}

}  // namespace
}  // namespace vigil

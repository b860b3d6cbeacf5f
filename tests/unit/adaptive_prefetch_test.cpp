#include "jobs/engine/adaptive_prefetch.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(AdaptivePrefetch, NoneWithoutABacklog) {
  AdaptivePrefetch p(16);
  EXPECT_EQ(p.extra(), 0);
  p.AfterClaim(16, 3);
  EXPECT_EQ(p.extra(), 0);
}

TEST(AdaptivePrefetch, DoublesFromTheWorkersWhileClaimsComeBackFullUpToItsCap) {
  AdaptivePrefetch p(16);
  p.AfterClaim(16, 16);
  EXPECT_EQ(p.extra(), 16);
  p.AfterClaim(32, 32);
  EXPECT_EQ(p.extra(), 32);
  for (int i = 0; i < 20; ++i) p.AfterClaim(10, 10);
  EXPECT_EQ(p.extra(), 500) << "500 at most";
  AdaptivePrefetch small(2);
  for (int i = 0; i < 20; ++i) small.AfterClaim(4, 4);
  EXPECT_EQ(small.extra(), 64) << "32 per worker";
  EXPECT_EQ(AdaptivePrefetch::Cap(4), 128);
  EXPECT_EQ(AdaptivePrefetch::Cap(100), 500);
}

TEST(AdaptivePrefetch, HalvesWhenAClaimComesBackShort) {
  AdaptivePrefetch p(8);
  for (int i = 0; i < 4; ++i) p.AfterClaim(8, 8);
  EXPECT_EQ(p.extra(), 64);
  p.AfterClaim(64, 10);
  EXPECT_EQ(p.extra(), 32);
  for (int i = 0; i < 10; ++i) p.AfterClaim(8, 0);
  EXPECT_EQ(p.extra(), 0);
  p.AfterClaim(0, 0);  // nothing asked: nothing learnt
  EXPECT_EQ(p.extra(), 0);
}

}  // namespace
}  // namespace vigil

// A stream's position in the change feed (daemon/admin/feed_cursor.h): in order, never twice, and
// waiting a bounded time for a number that is missing.
#include "daemon/admin/feed_cursor.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using namespace std::chrono_literals;
using Idx = std::vector<size_t>;

class FeedCursorTest : public ::testing::Test {
 protected:
  FeedGaps gaps_{2s};
  FeedGaps::Clock::time_point t0_ = FeedGaps::Clock::now();
};

TEST_F(FeedCursorTest, SendsEverythingPastTheCursorInOrder) {
  int64_t cursor = 3;
  EXPECT_EQ(Deliverable(&cursor, {2, 3, 4, 5, 6}, gaps_, t0_), (Idx{2, 3, 4}));
  EXPECT_EQ(cursor, 6);
  EXPECT_EQ(Deliverable(&cursor, {4, 5, 6}, gaps_, t0_), Idx{}) << "nothing twice";
  EXPECT_EQ(cursor, 6);
}

TEST_F(FeedCursorTest, StopsAtAMissingNumberUntilItArrives) {
  int64_t cursor = 10;
  EXPECT_EQ(Deliverable(&cursor, {11, 13, 14}, gaps_, t0_), (Idx{0}));
  EXPECT_EQ(cursor, 11);
  EXPECT_EQ(Deliverable(&cursor, {13, 14}, gaps_, t0_ + 1s), Idx{}) << "12 may still commit";
  EXPECT_EQ(Deliverable(&cursor, {12, 13, 14}, gaps_, t0_ + 1500ms), (Idx{0, 1, 2}));
  EXPECT_EQ(cursor, 14);
}

TEST_F(FeedCursorTest, PassesOverANumberMissingForLongerThanTheWait) {
  int64_t cursor = 10;
  EXPECT_EQ(Deliverable(&cursor, {13}, gaps_, t0_), Idx{});
  EXPECT_EQ(Deliverable(&cursor, {13}, gaps_, t0_ + 1999ms), Idx{});
  EXPECT_EQ(Deliverable(&cursor, {13, 15}, gaps_, t0_ + 2s), (Idx{0})) << "11 and 12 rolled back; 14 is new";
  EXPECT_EQ(cursor, 13);
  EXPECT_EQ(Deliverable(&cursor, {15}, gaps_, t0_ + 3s), Idx{});
  EXPECT_EQ(Deliverable(&cursor, {15}, gaps_, t0_ + 5s), (Idx{0}));
}

TEST_F(FeedCursorTest, StreamsAtOnePositionShareTheWait) {
  int64_t a = 10, b = 10;
  EXPECT_EQ(Deliverable(&a, {12}, gaps_, t0_), Idx{});
  EXPECT_EQ(Deliverable(&b, {12}, gaps_, t0_ + 2s), (Idx{0})) << "b sees the gap a found two seconds ago";
}

TEST_F(FeedCursorTest, ForgetsGapsEveryStreamIsPast) {
  int64_t cursor = 10;
  Deliverable(&cursor, {12}, gaps_, t0_);
  Deliverable(&cursor, {12}, gaps_, t0_ + 3s);
  EXPECT_EQ(gaps_.size(), 1u);
  gaps_.ForgetThrough(cursor);
  EXPECT_EQ(gaps_.size(), 0u);
}

}  // namespace
}  // namespace vigil

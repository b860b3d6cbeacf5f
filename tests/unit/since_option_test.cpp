// The `--since` of `events list` and `triage replay` (daemon/cli/since_option.h).
#include "daemon/cli/since_option.h"

#include <gtest/gtest.h>

#include "common/iso8601.h"

namespace vigil::cli {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = *ParseIso8601("2026-12-02T10:00:00Z");

TEST(SinceOption, ADurationCountsBackFromNow) {
  EXPECT_EQ(*ParseSince("7d", kNow), kNow - 7 * 24h);
  EXPECT_EQ(*ParseSince("90m", kNow), kNow - 90min);
  EXPECT_EQ(*ParseSince("1h30m", kNow), kNow - 90min);
}

TEST(SinceOption, ATimeIsTakenAsItIs) {
  EXPECT_EQ(*ParseSince("2026-12-01T20:00Z", kNow), *ParseIso8601("2026-12-01T20:00:00Z"));
}

TEST(SinceOption, AnythingElseIsRefusedShowingBothSpellings) {
  auto r = ParseSince("last tuesday", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--since: \"last tuesday\" is neither a duration back from now (7d, 24h, 90m) nor a time (2026-12-01T20:00Z)");
}

}  // namespace
}  // namespace vigil::cli

// CronExpr::Normalized: one spelling per schedule, which parses back to the same schedule.
#include <gtest/gtest.h>

#include "jobs/engine/cron.h"
#include "tests/unit/cron_random_expr.h"

namespace vigil {
namespace {

std::string Normal(const std::string& text) {
  auto e = CronExpr::Parse(text);
  EXPECT_TRUE(e.ok()) << text << ": " << e.error();
  return e.ok() ? e->Normalized() : "";
}

TEST(CronNormalized, SpellsSixFieldsWithNames) {
  EXPECT_EQ(Normal("0 9 * * 1-5"), "0 0 9 * * Mon-Fri");
  EXPECT_EQ(Normal("30 2 * * *"), "0 30 2 * * *");
  EXPECT_EQ(Normal("15 0 9 1 JAN,jul *"), "15 0 9 1 Jan,Jul *");
  EXPECT_EQ(Normal("0 0 * * FRI-SUN"), "0 0 0 * * Sun,Fri,Sat");
}

TEST(CronNormalized, ExpandsMacros) {
  EXPECT_EQ(Normal("@daily"), "0 0 0 * * *");
  EXPECT_EQ(Normal("@hourly"), "0 0 * * * *");
  EXPECT_EQ(Normal("@weekly"), "0 0 0 * * Sun");
}

TEST(CronNormalized, KeepsStepsAndRanges) {
  EXPECT_EQ(Normal("*/15 * * * *"), "0 */15 * * * *");
  EXPECT_EQ(Normal("0 8-18/2 * * *"), "0 0 8-18/2 * * *");
  EXPECT_EQ(Normal("0,1,2,3,10 * * * *"), "0 0-3,10 * * * *");
  EXPECT_EQ(Normal("5,6 * * * *"), "0 5,6 * * * *");
  EXPECT_EQ(Normal("0-59 * * * *"), "0 * * * * *");
}

// A day field written with `*` stays unrestricted, and a restricted one stays restricted: the
// either-or rule of day-of-month and day-of-week depends on it.
TEST(CronNormalized, KeepsWhetherADayFieldIsRestricted) {
  EXPECT_EQ(Normal("0 0 */2 * *"), "0 0 0 */2 * *");
  EXPECT_EQ(Normal("0 0 * * */6"), "0 0 0 * * */6") << "Sun and Sat, unrestricted";
  EXPECT_EQ(Normal("0 0 */31 * *"), "0 0 0 */31 * *");
  EXPECT_EQ(Normal("0 0 */18,25,23 * SUN"), "0 0 0 */18,23,25 * Sun");
  EXPECT_EQ(Normal("0 0 1-31/2 * MON"), "0 0 0 1-31/2 * Mon");
  EXPECT_EQ(Normal("0 0 1 * 0-6"), "0 0 0 1 * Sun-Sat");
}

TEST(CronNormalized, ParsesBackToTheSameSchedule) {
  cron_test::RandomCronExpr random(7);
  TimePoint from = date::sys_days(date::year(2026) / 1 / 1);
  for (int i = 0; i < 300; ++i) {
    std::string text = random.Next();
    auto e = CronExpr::Parse(text);
    if (!e.ok()) continue;
    auto back = CronExpr::Parse(e->Normalized());
    ASSERT_TRUE(back.ok()) << text << " -> " << e->Normalized() << ": " << back.error();
    TimePoint a = from, b = from;
    for (int n = 0; n < 20; ++n) {
      auto na = e->Next(a), nb = back->Next(b);
      ASSERT_EQ(na.has_value(), nb.has_value()) << text << " -> " << e->Normalized();
      if (!na) break;
      ASSERT_EQ(*na, *nb) << text << " -> " << e->Normalized();
      a = *na;
      b = *nb;
    }
  }
}

}  // namespace
}  // namespace vigil

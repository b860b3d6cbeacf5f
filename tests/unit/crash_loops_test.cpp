// Crash loops folded into one report: the window, the threshold, the report's times.
#include "jobs/maintenance/crash_loops.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

QueuedReport At(const std::string& id, const std::string& type, double at) { return {id, type, "m " + id, "tb " + id, "{}", at}; }

TEST(CrashLoops, MoreThanTheThresholdWithinAnHourIsOneReport) {
  std::vector<QueuedReport> r;
  for (int i = 0; i < 4; ++i) r.push_back(At("c" + std::to_string(i), "crash", 1000 + i * 600));
  auto out = FoldCrashLoops(r, 3);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].loop());
  EXPECT_EQ(out[0].members, (std::vector<std::string>{"c0", "c1", "c2", "c3"}));
  EXPECT_EQ(out[0].report.id, "loop-c0");
  EXPECT_EQ(out[0].report.traceback, "tb c3") << "the last crash's traceback";
  auto context = nlohmann::json::parse(out[0].report.context);
  EXPECT_EQ(context["crash_loop"]["count"], 4);
  EXPECT_EQ(context["crash_loop"]["first_at"], "1970-01-01T00:16:40+00:00");
  EXPECT_EQ(context["crash_loop"]["last_at"], "1970-01-01T00:46:40+00:00");
}

TEST(CrashLoops, TheThresholdItselfTypesAndHoursApartAreNotLoops) {
  std::vector<QueuedReport> r = {At("a", "crash", 0), At("b", "crash", 10), At("c", "crash", 20),
                                 At("x", "ValueError", 5), At("y", "ValueError", 6), At("z", "ValueError", 7),
                                 At("late", "crash", 3601)};
  auto out = FoldCrashLoops(r, 3);
  ASSERT_EQ(out.size(), 7u);
  for (const auto& b : out) EXPECT_FALSE(b.loop()) << b.report.id;
  EXPECT_EQ(out.front().report.id, "a") << "in time order";
  EXPECT_EQ(out.back().report.id, "late");
}

TEST(CrashLoops, AWindowOpensAtItsFirstReport) {
  std::vector<QueuedReport> r;
  for (int i = 0; i < 8; ++i) r.push_back(At("c" + std::to_string(i), "crash", i * 1000.0));  // 0 .. 7000 s
  auto out = FoldCrashLoops(r, 2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].members.size(), 4u) << "0, 1000, 2000, 3000 within the hour from 0";
  EXPECT_EQ(out[1].members.size(), 4u);
}

TEST(CrashLoops, AReportsTimeComesFromItsContext) {
  EXPECT_DOUBLE_EQ(ReportTime(R"({"started_at": "1970-01-01T00:01:00Z"})", 5), 60);
  EXPECT_DOUBLE_EQ(ReportTime(R"({"timestamp": 1764700000.5})", 5), 1764700000.5);
  EXPECT_DOUBLE_EQ(ReportTime(R"({"started_at": "not a time"})", 5), 5);
  EXPECT_DOUBLE_EQ(ReportTime("not json", 5), 5);
  EXPECT_DOUBLE_EQ(ReportTime("[1, 2]", 5), 5);
}

TEST(CrashLoops, HostileTextStaysValidJson) {
  std::vector<QueuedReport> r;
  for (int i = 0; i < 5; ++i) r.push_back({"r" + std::to_string(i), "crash", "bad \xff byte", "tb", "{\"a\": \"\xc3\"}", double(i)});
  auto out = FoldCrashLoops(r, 3);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NO_THROW((void)nlohmann::json::parse(out[0].report.context));
}

}  // namespace
}  // namespace vigil

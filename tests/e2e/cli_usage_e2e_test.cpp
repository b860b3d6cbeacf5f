// Issue #18 point 1, through the built binary: a mistyped or missing verb or flag is named, with
// the nearest valid one, exit 2; `vigil help [VERB]` and `vigil --version` answer.
#include <gtest/gtest.h>

#include "tests/support/daemon_process.h"

namespace vigil {
namespace {

using testing::RunVigil;

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

TEST(CliUsage, AMistypedVerbIsNamedWithTheNearestOne) {
  auto [rc, out] = RunVigil({"jobs", "lsit"});
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(FirstLine(out), "vigil: unknown command \"lsit\" for \"vigil jobs\" (did you mean \"list\"?)");
  auto [rc2, out2] = RunVigil({"notifcations", "list"});
  EXPECT_EQ(rc2, 2);
  EXPECT_EQ(FirstLine(out2), "vigil: unknown command \"notifcations\" for \"vigil\" (did you mean \"notifications\"?)");
}

TEST(CliUsage, AVerbWithNothingNearListsTheVerbs) {
  auto [rc, out] = RunVigil({"jobs", "frobnicate"});
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(FirstLine(out), "vigil: unknown command \"frobnicate\" for \"vigil jobs\"; commands: enqueue, list, show, retry, cancel, run, pause, resume, paused");
}

TEST(CliUsage, AMissingVerbSaysWhichAreThere) {
  auto [rc, out] = RunVigil({"jobs"});
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(FirstLine(out), "vigil: \"vigil jobs\" needs a command: enqueue, list, show, retry, cancel, run, pause, resume, paused (see \"vigil help jobs\")");
  auto [rc_none, none] = RunVigil({});
  EXPECT_EQ(rc_none, 2);
  EXPECT_NE(none.find("Usage: vigil [OPTIONS] SUBCOMMAND"), std::string::npos) << none;
}

TEST(CliUsage, AMistypedFlagIsNamedWithTheNearestOne) {
  auto [rc, out] = RunVigil({"jobs", "list", "--stat", "failed"});
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(FirstLine(out), "vigil: unknown flag \"--stat\" for \"vigil jobs list\" (did you mean \"--state\"?)");
  // An option's value is not read as a verb, and a flag after a good option is still checked.
  auto [rc2, out2] = RunVigil({"jobs", "list", "--config", "/nonexistent/list", "--jsn"});
  EXPECT_EQ(rc2, 2);
  EXPECT_EQ(FirstLine(out2), "vigil: unknown flag \"--jsn\" for \"vigil jobs list\" (did you mean \"--json\"?)");
}

TEST(CliUsage, HelpAndVersionAnswer) {
  auto [rc, out] = RunVigil({"help"});
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("Usage: vigil [OPTIONS] SUBCOMMAND"), std::string::npos) << out;
  auto [rc_jobs, jobs] = RunVigil({"help", "jobs", "list"});
  EXPECT_EQ(rc_jobs, 0);
  EXPECT_NE(jobs.find("Usage: vigil jobs list [OPTIONS]"), std::string::npos) << jobs;
  EXPECT_NE(jobs.find("--state"), std::string::npos) << jobs;
  auto [rc_bad, bad] = RunVigil({"help", "jobs", "lsit"});
  EXPECT_EQ(rc_bad, 2);
  EXPECT_EQ(FirstLine(bad), "vigil: no command \"lsit\" in \"vigil jobs\" (did you mean \"list\"?); commands: enqueue, list, show, retry, cancel, run, pause, resume, paused");
  auto [rc_v, version] = RunVigil({"--version"});
  EXPECT_EQ(rc_v, 0);
  EXPECT_EQ(version, std::string("vigil ") + VIGIL_VERSION + "\n");
  auto [rc_vj, vjson] = RunVigil({"version", "--json"});
  EXPECT_EQ(rc_vj, 0);
  EXPECT_EQ(vjson, std::string("{\"version\":\"") + VIGIL_VERSION + "\"}\n");
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    out.push_back(s.substr(start, end - start));
    start = end == std::string::npos ? s.size() : end + 1;
  }
  return out;
}

// Issue #18 point 6: `--json` on every verb that prints (the daemon logs instead: --log-format).
TEST(CliUsage, EveryVerbThatPrintsTakesJson) {
  size_t leaves = 0;
  for (const auto& top : Lines(testing::RunVigil({"__complete", "--", ""}).second)) {
    if (top == "run" || top == "help") continue;
    auto subs = Lines(testing::RunVigil({"__complete", "--", top, ""}).second);
    if (subs.empty()) subs.push_back("");
    for (const auto& sub : subs) {
      std::vector<std::string> args = {top};
      if (!sub.empty()) args.push_back(sub);
      args.push_back("--help");
      auto [rc, help] = testing::RunVigil(args);
      EXPECT_EQ(rc, 0) << top << " " << sub;
      EXPECT_NE(help.find("--json"), std::string::npos) << "vigil " << top << " " << sub << " has no --json:\n" << help;
      ++leaves;
    }
  }
  EXPECT_GT(leaves, 30u) << "the walk found the verbs";
}

}  // namespace
}  // namespace vigil

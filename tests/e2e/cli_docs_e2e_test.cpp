// Issue #18: the man page is written at build time from the same definitions as --help, and bash
// completion offers verbs, flags and watcher names, tried in a real bash with the installed script.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/daemon_process.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"

namespace vigil {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(CliDocs, TheManPageIsTheHelpOfEveryVerb) {
  std::filesystem::path man = std::filesystem::path(testing::VigilBinary()).parent_path() / "vigil.1";
  ASSERT_TRUE(std::filesystem::exists(man)) << "the build writes " << man;
  std::string page = ReadAll(man.string());
  EXPECT_EQ(page, testing::RunVigil({"__man"}).second) << "the built page is what the binary says";
  EXPECT_NE(page.find(".TH VIGIL 1"), std::string::npos);
  // Every verb of `vigil help` is in it, with a flag of its help.
  for (const char* verb : {"vigil run", "vigil check", "vigil jobs list", "vigil notifications list", "vigil cron next",
                           "vigil db backup", "vigil status", "vigil watchers list"}) {
    EXPECT_NE(page.find(".B " + std::string(verb)), std::string::npos) << verb;
  }
  EXPECT_NE(page.find(".B \\-\\-state TEXT"), std::string::npos) << "jobs list's --state, as in its --help";
  EXPECT_NE(page.find("NO_COLOR"), std::string::npos);
  EXPECT_EQ(page.find(".B vigil __"), std::string::npos) << "hidden verbs stay hidden";
}

class BashCompletion : public ::testing::Test {
 protected:
  // COMPREPLY of the installed script's _vigil for `line` (the cursor at its end).
  std::string Complete(const std::string& line) {
    std::string script = dir_.Write("complete.sh",
        "source '" + testing::SourceDir() + "/daemon/cli/completion.bash'\n"
        "compopt() { :; }\n"
        "COMP_LINE='" + line + "'\n"
        "read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
        "[[ \"$COMP_LINE\" == *' ' ]] && COMP_WORDS+=('')\n"
        "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        "_vigil\n"
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    std::string path = std::filesystem::path(testing::VigilBinary()).parent_path().string();
    return Shell("cd '" + dir_.path() + "' && PATH='" + path + "':$PATH bash --norc " + script);
  }
  testing::TempDir dir_;
};

TEST_F(BashCompletion, VerbsFlagsAndWatcherNames) {
  dir_.Write("w.yaml", "watchers:\n  - {name: pubmed-onc, type: literature, source: pubmed, query: x, every: 1h}\n"
                       "  - {name: arxiv-ml, type: literature, source: arxiv, query: y, every: 1h}\n");
  EXPECT_EQ(Complete("vigil jo"), "jobs\n");
  EXPECT_EQ(Complete("vigil jobs "), "enqueue\nlist\nshow\nretry\ncancel\nrun\npause\nresume\npaused\n");
  EXPECT_EQ(Complete("vigil jobs list --st"), "--state\n");
  EXPECT_EQ(Complete("vigil watchers test -c w.yaml pub"), "pubmed-onc\n");
  EXPECT_EQ(Complete("vigil watchers test --config w.yaml "), "pubmed-onc\narxiv-ml\n");
  EXPECT_EQ(Complete("vigil --ver"), "--version\n");
  EXPECT_EQ(Complete("vigil jobs list --config "), "\n") << "a file name: the shell's own completion";
}

}  // namespace
}  // namespace vigil

// `vigil check` on a corpus of broken configs (tests/fixtures/configs/bad/, README.md there): each
// file's first line says the first line `vigil check` must print for it, and the exit status is 2.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/daemon_process.h"
#include "tests/support/paths.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

TEST(ConfigCheckCorpus, EachBrokenConfigIsRefusedWithItsExpectedFirstLine) {
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::FixturesDir() / "configs" / "bad")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::string text = testing::ReadFileBytes(entry.path());
    const std::string header = "# expect: ";
    ASSERT_TRUE(text.starts_with(header)) << "the file's first line must be \"# expect: <first line of the error>\"";
    std::string expected = text.substr(header.size(), text.find('\n') - header.size());
    auto [code, out] = testing::RunVigil({"check", "--config", entry.path().string()});
    EXPECT_EQ(code, 2) << out;
    EXPECT_EQ(out.substr(0, out.find('\n')), expected);
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

}  // namespace
}  // namespace vigil

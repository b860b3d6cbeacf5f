// Where the shared fixtures are: VIGIL_FIXTURES_DIR when it exists (the main checkout), else the
// shared copy (a worktree's ../shared does not exist).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::testing {

inline std::string FixturesDir() {
  if (std::filesystem::is_directory(VIGIL_FIXTURES_DIR)) return VIGIL_FIXTURES_DIR;
  return "/work/shared/fixtures";
}

// The whole file under FixturesDir(); empty if it cannot be read (tests then fail on content).
inline std::string ReadFixture(const std::string& relative_path) {
  std::ifstream in(FixturesDir() + "/" + relative_path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace vigil::testing

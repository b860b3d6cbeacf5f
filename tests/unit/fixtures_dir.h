// Where the shared real-data fixtures live: VIGIL_FIXTURES_DIR when it exists (main checkout),
// else /work/shared/fixtures (a worktree, where the relative path does not resolve).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::testing {

inline std::filesystem::path FixturesDir() {
  std::filesystem::path configured(VIGIL_FIXTURES_DIR);
  if (std::filesystem::exists(configured)) return configured;
  return "/work/shared/fixtures";
}

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace vigil::testing

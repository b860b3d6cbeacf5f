// Reading the real-data fixtures in tests/fixtures (tests/support/paths.h says where they are).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/paths.h"

namespace vigil::testing {

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The whole file under FixturesDir(); empty if it cannot be read (tests then fail on content).
inline std::string ReadFixture(const std::string& relative_path) { return ReadFileBytes(FixturesDir() / relative_path); }

}  // namespace vigil::testing

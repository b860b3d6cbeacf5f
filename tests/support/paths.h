// Where tests find the repository, the shared fixtures and the built binary.
#pragma once

#include <filesystem>
#include <string>

namespace vigil::testing {

inline std::string FixturesDir() {
  std::string dir = VIGIL_FIXTURES_DIR;
  if (std::filesystem::exists(dir)) return dir;
  return "/work/shared/fixtures";
}

inline std::string SourceDir() { return VIGIL_SOURCE_DIR; }
inline std::string VigilBinary() { return VIGIL_BINARY; }

}  // namespace vigil::testing

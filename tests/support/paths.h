// Where tests find the repository, the shared fixtures and the built binary.
#pragma once

#include <filesystem>
#include <string>

namespace vigil::testing {

// The shared fixtures: VIGIL_FIXTURES_DIR (../shared/fixtures beside the checkout) when it
// exists, else the workplace's shared copy (a git worktree has no ../shared of its own).
inline std::filesystem::path FixturesDir() {
  std::filesystem::path dir(VIGIL_FIXTURES_DIR);
  if (std::filesystem::is_directory(dir)) return dir;
  return "/work/shared/fixtures";
}

inline std::string SourceDir() { return VIGIL_SOURCE_DIR; }
inline std::string VigilBinary() { return VIGIL_BINARY; }

}  // namespace vigil::testing

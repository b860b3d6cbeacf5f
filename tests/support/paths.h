// Where tests find the repository, its fixtures and the built binary. Everything a test reads
// lives in the repository: the real-data fixtures are in tests/fixtures (see its README.md for
// where each file comes from and under which licence). The paths are compiled into paths.cpp
// alone, so no other test object depends on where the checkout is.
#pragma once

#include <filesystem>
#include <string>

namespace vigil::testing {

std::string SourceDir();
std::filesystem::path FixturesDir();
std::string VigilBinary();

}  // namespace vigil::testing

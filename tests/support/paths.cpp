#include "tests/support/paths.h"

namespace vigil::testing {

std::string SourceDir() { return VIGIL_SOURCE_DIR; }
std::filesystem::path FixturesDir() { return std::filesystem::path(SourceDir()) / "tests" / "fixtures"; }
std::string VigilBinary() { return VIGIL_BINARY; }

}  // namespace vigil::testing

// docs/configuration.md is generated from the config table; this fails when they drift.
#include <gtest/gtest.h>

#include "config/schema.h"
#include "tests/support/paths.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {

TEST(ConfigDocs, ReferenceMatchesTheTable) {
  std::string doc = testing::ReadFileBytes(testing::SourceDir() + "/docs/configuration.md");
  EXPECT_EQ(doc, ConfigReferenceMarkdown())
      << "regenerate with: ./build/vigil config reference > docs/configuration.md";
}

}  // namespace vigil

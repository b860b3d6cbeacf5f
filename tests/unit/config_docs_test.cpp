// docs/configuration.md is generated from the config table; this fails when they drift.
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/reference.h"
#include "config/schema.h"
#include "tests/support/paths.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {

TEST(ConfigDocs, ReferenceMatchesTheTable) {
  std::string doc = testing::ReadFileBytes(testing::SourceDir() + "/docs/configuration.md");
  EXPECT_EQ(doc, ConfigReferenceMarkdown())
      << "regenerate with: ./build/vigil config reference --format md > docs/configuration.md";
}

}  // namespace vigil

namespace vigil {

// Every key names the module that applies it (config/schema.h), and that file names the key: its
// path below the list ("http.listen", "every") or its last part ("listen") as a string literal, or
// its table path ("watchers[].config") where the module takes a whole block. A key nobody reads
// (database.pool_size was one) cannot stay in the table.
TEST(ConfigAppliers, EveryKeyNamesAFileThatReadsIt) {
  for (const KeySpec& spec : ConfigTable()) {
    if (spec.type == KeyType::kSection) {
      EXPECT_EQ(spec.applied_by, "") << spec.path;
      continue;
    }
    ASSERT_FALSE(spec.applied_by.empty()) << spec.path << " names no module that applies it";
    std::string source = testing::ReadFileBytes(testing::SourceDir() + "/" + spec.applied_by);
    ASSERT_FALSE(source.empty()) << spec.path << ": " << spec.applied_by << " is missing or empty";
    std::string full = spec.path;
    if (size_t b = full.find("[]."); b != std::string::npos) full.erase(0, b + 3);
    std::string leaf = full.substr(full.rfind('.') == std::string::npos ? 0 : full.rfind('.') + 1);
    bool named = source.find('"' + full + '"') != std::string::npos || source.find('"' + leaf + '"') != std::string::npos ||
                 source.find(spec.path) != std::string::npos;
    EXPECT_TRUE(named) << spec.applied_by << " does not name \"" << leaf << "\" (" << spec.path << ")";
  }
}

TEST(ConfigAppliers, ARemovedKeyIsRefusedWithWhyAndWhatToDo) {
  auto config = Config::Parse("database:\n  url: sqlite:x.db\n  pool_size: 4\n", "/etc/vigil/vigil.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().find("vigil.yaml:3:3: database.pool_size is no longer read"), std::string::npos) << config.error();
  EXPECT_NE(config.error().find("delete the key"), std::string::npos) << config.error();
}

}  // namespace vigil

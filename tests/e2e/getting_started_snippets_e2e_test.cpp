// Every YAML snippet of docs/getting-started.md pastes into config/examples/vigil.yaml where the
// doc says ("# paste under "http:"" as its first line) and the result passes `vigil check`, with
// the environment the doc tells the reader to export: what a new user does, step by step.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/daemon_process.h"
#include "tests/support/paths.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

std::vector<std::string> YamlSnippets(const std::string& markdown) {
  std::vector<std::string> snippets;
  std::istringstream in(markdown);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```yaml") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      snippets.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return snippets;
}

// `config` with `snippet` pasted after its top-level line "<key>:", as its first line says.
std::string Paste(const std::string& config, const std::string& snippet) {
  std::smatch m;
  std::string first = snippet.substr(0, snippet.find('\n'));
  if (!std::regex_search(first, m, std::regex(R"(# paste under "([a-z_]+):")"))) {
    ADD_FAILURE() << "a snippet does not say where it goes (first line: " << first << ")";
    return config;
  }
  std::string anchor = "\n" + m[1].str() + ":";
  size_t at = config.find(anchor + "\n");
  if (at == std::string::npos) at = config.find(anchor + " ");
  if (at == std::string::npos) {
    ADD_FAILURE() << "the example config has no line \"" << m[1].str() << ":\"";
    return config;
  }
  size_t after = config.find('\n', at + 1) + 1;
  return config.substr(0, after) + snippet + config.substr(after);
}

// The values the doc has the reader export ("export NAME=value").
std::map<std::string, std::string> Exports(const std::string& markdown) {
  std::map<std::string, std::string> env;
  std::regex re(R"(export ([A-Z_]+)=([^\s]+))");
  for (auto it = std::sregex_iterator(markdown.begin(), markdown.end(), re); it != std::sregex_iterator(); ++it)
    env[(*it)[1]] = (*it)[2];
  return env;
}

TEST(GettingStarted, EverySnippetPastesIntoTheExampleConfigAndChecks) {
  std::string doc = testing::ReadFileBytes(testing::SourceDir() + "/docs/getting-started.md");
  std::string example = testing::ReadFileBytes(testing::SourceDir() + "/config/examples/vigil.yaml");
  auto snippets = YamlSnippets(doc);
  ASSERT_FALSE(snippets.empty());
  auto env = Exports(doc);
  ASSERT_TRUE(env.count("VIGIL_EXAMPLE_HOOK_SECRET")) << "the doc tells the reader to export the example's secret";
  testing::TempDir dir;
  std::string path = dir.path() + "/vigil.yaml";
  std::string config = example;
  for (const auto& snippet : snippets) {
    config = Paste(config, snippet);
    std::ofstream(path, std::ios::trunc) << config;
    auto [code, out] = testing::RunVigil({"check", "--config", path}, env);
    EXPECT_EQ(code, 0) << "after pasting:\n" << snippet << out;
    EXPECT_EQ(out.find("warning"), std::string::npos) << out;
  }
  EXPECT_NE(config.find("name: kras-pubmed"), std::string::npos);
}

}  // namespace
}  // namespace vigil

// Reading the real response bodies in shared/fixtures for the literature parser tests.
// VIGIL_FIXTURES_DIR points next to the source tree, which is right for the main checkout but
// not for a worktree, so fall back to the shared location.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace vigil::testing {

inline std::filesystem::path LiteratureFixturesDir() {
  std::filesystem::path configured = VIGIL_FIXTURES_DIR;
  if (std::filesystem::is_directory(configured)) return configured;
  return "/work/shared/fixtures";
}

// Whole file as bytes; throws (failing the test) if it cannot be read.
inline std::string ReadLiteratureFixture(const std::string& relative_path) {
  std::filesystem::path path = LiteratureFixturesDir() / relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// `text` with the first occurrence of `from` replaced by `to`; throws if `from` is absent, so a
// test that derives a variant of a real record notices when the record is not what it expects.
inline std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture lacks: " + from);
  return text.replace(at, from.size(), to);
}

}  // namespace vigil::testing

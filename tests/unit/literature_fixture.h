// Reading the real response bodies in tests/fixtures for the literature parser tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/paths.h"

namespace vigil::testing {

inline std::filesystem::path LiteratureFixturesDir() { return FixturesDir(); }

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

// Reading a fuzzer's input as text fields, and stopping the run when a property does not hold.
//
// Inputs of the targets that need several values (a rule and a record, a path and a document) are
// the values separated by NUL bytes, so a seed is easy to write from real data (printf 'a\0b') and a
// crash file reads as text. Missing fields are empty; the last field takes the rest of the input.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace vigil::fuzz {

inline std::vector<std::string_view> SplitFields(const uint8_t* data, size_t size, size_t count) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) break;
    fields.push_back(rest.substr(0, nul));
    rest.remove_prefix(nul + 1);
  }
  fields.push_back(rest);
  fields.resize(count);
  return fields;
}

// The smallest config the loader accepts, for the parsers that take one (to name places in errors).
inline std::shared_ptr<const Config> MinimalConfig() {
  auto config = Config::Parse("database:\n  url: sqlite:vigil.db\n", "/fuzz/vigil.yaml");
  if (!config.ok()) {
    std::fprintf(stderr, "fuzz: the minimal config does not load: %s\n", config.error().c_str());
    std::abort();
  }
  return *config;
}

// A property the target holds the code to; a failure aborts, which libFuzzer reports as a crash
// and saves the input.
#define VIGIL_FUZZ_CHECK(cond, ...)                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, "  " __VA_ARGS__);                                  \
      std::fprintf(stderr, "\n");                                              \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

}  // namespace vigil::fuzz

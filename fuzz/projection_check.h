// The payload projection's contract (sources/webhook/payload_projection.h) as a fuzz property: for
// any body, the projection accepts it exactly when nlohmann's full parse does, and for every path
// added, and every prefix of it, the projected document holds what the full document holds (the
// same value of the same type, or absent alike). The paths are the places of the parsed document
// itself (up to a bound) plus a few that name nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "fuzz/fuzz_input.h"
#include "sources/webhook/payload_projection.h"
#include "sources/webhook/request_values.h"

namespace vigil::fuzz {

inline std::string EscapePointer(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Up to `limit` places of `doc` as JSON pointers, no deeper than `depth` (recursion stays shallow:
// the checker must not overflow the stack on documents the product handles).
inline void CollectPointers(const nlohmann::json& value, const std::string& at, int depth, size_t limit,
                            std::vector<std::string>& out) {
  if (!at.empty()) out.push_back(at);
  if (depth == 0 || out.size() >= limit) return;
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (out.size() >= limit) return;
      CollectPointers(child, at + "/" + EscapePointer(key), depth - 1, limit, out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size() && out.size() < limit; ++i)
      CollectPointers(value[i], at + "/" + std::to_string(i), depth - 1, limit, out);
  }
}

// nlohmann types "-0" as a signed integer, simdjson as int64 0, which the projection types as a
// non-negative integer: unsigned. Same value, same text (as the unit tests allow).
inline bool SameType(const nlohmann::json& got, const nlohmann::json& want) {
  if (want.is_number_integer() && !want.is_number_unsigned() && want == 0) return got.is_number_integer() && got == 0;
  return got.type() == want.type();
}

// Nesting depth, without recursion.
inline size_t Depth(const nlohmann::json& doc) {
  std::vector<std::pair<const nlohmann::json*, size_t>> stack = {{&doc, 1}};
  size_t deepest = 0;
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, d);
    if (v->is_structured())
      for (const auto& child : *v) stack.push_back({&child, d + 1});
  }
  return deepest;
}

inline void CheckProjectionAgainstFullParse(std::string_view body) {
  nlohmann::json full = ParseJsonOrDiscarded(body);  // the full path's parser: the verdict to match
  std::vector<std::string> pointers = {"/a/0/b", "/0", "/commits/0/id", "/~1x"};
  if (!full.is_discarded()) CollectPointers(full, "", 8, 48, pointers);
  PayloadProjection projection;
  std::vector<PayloadPath> paths;
  for (const std::string& p : pointers) {
    auto path = PayloadPath::Parse(p);
    VIGIL_FUZZ_CHECK(path.ok(), "pointer %s does not parse", p.c_str());
    projection.Add(*path);
    paths.push_back(*path);
  }
  auto projected = projection.Parse(body);
  VIGIL_FUZZ_CHECK(projected.has_value() == !full.is_discarded(), "projection %s a body nlohmann %s",
                   projected ? "accepts" : "refuses", full.is_discarded() ? "refuses" : "accepts");
  // Comparing values recurses (nlohmann's ==); deep documents are left to the verdict check above.
  if (!projected || Depth(full) > 256) return;
  for (const PayloadPath& path : paths) {
    const nlohmann::json* want = path.Find(full);
    const nlohmann::json* got = path.Find(*projected);
    VIGIL_FUZZ_CHECK((want == nullptr) == (got == nullptr), "a path present in one parse only");
    if (want == nullptr) continue;
    VIGIL_FUZZ_CHECK(SameType(*got, *want), "types differ along a path");
    // Every path ends at its value, which is copied whole: the same value, containers included.
    VIGIL_FUZZ_CHECK(*got == *want, "values differ: %s vs %s", got->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str(),
                     want->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
}

}  // namespace vigil::fuzz

#include "common/json_depth.h"

#include <algorithm>

namespace vigil {

size_t JsonNestingDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character cannot end the string
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxJsonDepth) return kMaxJsonDepth + 1;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool JsonDepthAllowed(std::string_view text) { return JsonNestingDepth(text) <= kMaxJsonDepth; }

std::string JsonTooDeepMessage() {
  return "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels (the limit)";
}

Result<nlohmann::json> ParseJsonBounded(std::string_view text) {
  if (!JsonDepthAllowed(text)) return Status::Error(JsonTooDeepMessage());
  if (size_t nul = text.find('\0'); nul != std::string_view::npos)
    return Status::Error("not valid JSON: a NUL byte at offset " + std::to_string(nul));
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(std::string("not valid JSON: ") + e.what());
  }
}

// nlohmann's parser takes a NUL byte for the end of its input, so "{}\0anything" would parse as
// {}; JSON has no raw NUL anywhere (RFC 8259: not even inside a string), and simdjson, the fast
// path's parser, refuses it (found by webhook_decide_fuzz).
nlohmann::json ParseJsonOrDiscarded(std::string_view text) {
  if (!JsonDepthAllowed(text) || text.find('\0') != std::string_view::npos)
    return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace vigil

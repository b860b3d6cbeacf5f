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
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(std::string("not valid JSON: ") + e.what());
  }
}

nlohmann::json ParseJsonOrDiscarded(std::string_view text) {
  if (!JsonDepthAllowed(text)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace vigil

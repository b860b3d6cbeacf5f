#include "sources/scheduled/json_path.h"

#include <charconv>

namespace vigil {
namespace {

Result<JsonPathStep> BracketStep(const std::string& path, size_t* pos) {
  size_t close = path.find(']', *pos);
  if (close == std::string::npos) return Status::Error("unclosed [ at " + std::to_string(*pos));
  std::string inner = path.substr(*pos + 1, close - *pos - 1);
  *pos = close + 1;
  if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front())
    return JsonPathStep(inner.substr(1, inner.size() - 2));
  if (inner.empty() || inner.find_first_not_of("0123456789") != std::string::npos)
    return Status::Error("[" + inner + "] is neither an index nor a quoted name");
  size_t index = 0;
  if (std::from_chars(inner.data(), inner.data() + inner.size(), index).ec != std::errc())
    return Status::Error("[" + inner + "] is too large an index");
  return JsonPathStep(index);
}

}  // namespace

Result<std::vector<JsonPathStep>> ParseJsonPath(const std::string& text) {
  // "a.b" reads as "$.a.b", ".a" and "[0]" as "$.a" and "$[0]".
  std::string path = text.rfind('$', 0) == 0 ? text : (text.empty() || text[0] == '.' || text[0] == '[') ? "$" + text : "$." + text;
  std::vector<JsonPathStep> steps;
  size_t pos = 1;
  while (pos < path.size()) {
    if (path[pos] == '[') {
      auto step = BracketStep(path, &pos);
      if (!step.ok()) return step.status();
      steps.push_back(*step);
      continue;
    }
    if (path[pos] != '.') return Status::Error("expected . or [ at " + std::to_string(pos));
    size_t end = path.find_first_of(".[", pos + 1);
    if (end == std::string::npos) end = path.size();
    if (end == pos + 1) return Status::Error("empty name at " + std::to_string(pos));
    steps.emplace_back(path.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  return steps;
}

const nlohmann::json* FindJsonPath(const nlohmann::json& doc, const std::string& path) {
  auto steps = ParseJsonPath(path);
  if (!steps.ok()) return nullptr;
  const nlohmann::json* at = &doc;
  for (const auto& step : *steps) {
    if (const auto* name = std::get_if<std::string>(&step)) {
      if (!at->is_object() || !at->contains(*name)) return nullptr;
      at = &(*at)[*name];
    } else {
      size_t i = std::get<size_t>(step);
      if (!at->is_array() || i >= at->size()) return nullptr;
      at = &(*at)[i];
    }
  }
  return at;
}

bool ConditionHolds(const nlohmann::json* value, const JsonCondition& c) {
  if (c.op == "exists") return value != nullptr && !value->is_null();
  if (value == nullptr) return c.op == "!=";
  const nlohmann::json& v = *value;
  const nlohmann::json& w = c.value;
  if (c.op == "==") return v == w;
  if (c.op == "!=") return v != w;
  bool numbers = v.is_number() && w.is_number();
  bool strings = v.is_string() && w.is_string();
  if (!numbers && !strings) return false;
  auto less = [&](const nlohmann::json& a, const nlohmann::json& b) {
    return numbers ? a.get<double>() < b.get<double>() : a.get<std::string>() < b.get<std::string>();
  };
  if (c.op == ">") return less(w, v);
  if (c.op == "<") return less(v, w);
  if (c.op == ">=") return !less(v, w);
  if (c.op == "<=") return !less(w, v);
  return false;
}

}  // namespace vigil

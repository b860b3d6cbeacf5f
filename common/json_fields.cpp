#include "common/json_fields.h"

#include <cstdint>

namespace vigil {
namespace {

const nlohmann::json* Find(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace

std::optional<std::string> StringField(const nlohmann::json& object, const std::string& key, const std::string& fallback) {
  const nlohmann::json* v = Find(object, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<int64_t> IntField(const nlohmann::json& object, const std::string& key, int64_t fallback, int64_t min,
                                int64_t max) {
  const nlohmann::json* v = Find(object, key);
  if (v == nullptr) return fallback;
  int64_t n = 0;
  if (v->is_number_unsigned()) {  // past INT64_MAX it would wrap: out of any range we take
    if (v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    n = static_cast<int64_t>(v->get<uint64_t>());
  } else if (v->is_number_integer()) {
    n = v->get<int64_t>();
  } else {
    return std::nullopt;
  }
  if (n < min || n > max) return std::nullopt;
  return n;
}

std::vector<std::string> StringListField(const nlohmann::json& object, const std::string& key) {
  std::vector<std::string> out;
  auto it = object.is_object() ? object.find(key) : object.end();
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace vigil

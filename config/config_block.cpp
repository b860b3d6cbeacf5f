#include "config/config_block.h"

#include <set>
#include <sstream>

#include "config/units.h"

namespace vigil {
namespace {

const nlohmann::json& EmptyMap() {
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}

}  // namespace

Status ConfigBlock::Fail(const std::string& key, const std::string& message) const {
  std::string at = key.empty() ? path_ : path_ + "." + key;
  return Status::Error(config_.Where(at) + ": " + at + ": " + message);
}

Status ConfigBlock::OnlyKeys(std::initializer_list<const char*> allowed) const {
  if (!value_.is_object()) return Fail("", "expected a map");
  std::set<std::string> keys(allowed.begin(), allowed.end());
  for (auto it = value_.begin(); it != value_.end(); ++it) {
    if (!keys.count(it.key())) return Fail(it.key(), "unknown key");
  }
  return Status::Ok();
}

Status ConfigBlock::String(const std::string& key, std::string* out) const {
  if (!Has(key)) return Status::Ok();
  const auto& v = value_[key];
  if (!v.is_string()) return Fail(key, "expected a string");
  *out = v.get<std::string>();
  return Status::Ok();
}

// "<key>_file: PATH" was read into "<key>" when the config was loaded (config/yaml_convert.cpp).
Status ConfigBlock::Secret(const std::string& key, std::string* out) const { return String(key, out); }

Status ConfigBlock::Int(const std::string& key, int* out, int min, int max) const {
  if (!Has(key)) return Status::Ok();
  const auto& v = value_[key];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
    return Fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  *out = v.get<int>();
  return Status::Ok();
}

Status ConfigBlock::Double(const std::string& key, double* out, double min, double max) const {
  if (!Has(key)) return Status::Ok();
  const auto& v = value_[key];
  if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) {
    std::ostringstream range;
    range << "expected a number from " << min << " to " << max;
    return Fail(key, range.str());
  }
  *out = v.get<double>();
  return Status::Ok();
}

Status ConfigBlock::Bool(const std::string& key, bool* out) const {
  if (!Has(key)) return Status::Ok();
  if (!value_[key].is_boolean()) return Fail(key, "expected true or false");
  *out = value_[key].get<bool>();
  return Status::Ok();
}

Status ConfigBlock::Duration(const std::string& key, std::chrono::milliseconds* out) const {
  if (!Has(key)) return Status::Ok();
  const auto& v = value_[key];
  std::optional<std::chrono::milliseconds> d;
  if (v.is_number_integer()) d = std::chrono::seconds(v.get<int64_t>());
  else if (v.is_string()) d = ParseDuration(v.get<std::string>());
  if (!d || d->count() < 0) return Fail(key, "expected a duration such as 90s, 5m, 1h or 30d");
  *out = *d;
  return Status::Ok();
}

ConfigBlock ConfigBlock::Child(const std::string& key) const {
  return ConfigBlock(config_, Has(key) ? value_[key] : EmptyMap(), path_ + "." + key);
}

ConfigBlock ConfigBlock::Element(size_t i) const {
  return ConfigBlock(config_, value_.at(i), path_ + "[" + std::to_string(i) + "]");
}

}  // namespace vigil

#include "config/block_reader.h"

#include <sstream>

#include "config/key_hint.h"
#include "config/units.h"

namespace vigil {
namespace {

const nlohmann::json& Null() {
  static const nlohmann::json null;
  return null;
}

const nlohmann::json& EmptyMap() {
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}

// Into `out` when `r` holds a value; its error otherwise.
template <class T, class U>
Status Into(Result<T> r, U* out) {
  if (!r.ok()) return r.status();
  *out = static_cast<U>(*r);
  return Status::Ok();
}

std::string Range(double min, double max) {
  std::ostringstream out;
  out << min << " to " << max;
  return out.str();
}

}  // namespace

const nlohmann::json& BlockReader::Raw(const std::string& key) const {
  if (!Has(key)) return Null();
  return block_.at(key);
}

Status BlockReader::Error(const std::string& key, const std::string& message) const {
  std::string at = key.empty() ? path_ : path_ + "." + key;
  return Status::Error(config_.Where(at) + ": " + at + ": " + message);
}

Result<BlockReader> BlockReader::Child(const std::string& key) const {
  const nlohmann::json& v = Raw(key);
  if (!v.is_null() && !v.is_object()) return Error(key, "expected a map");
  return BlockReader(config_, v, path_ + "." + key);
}

Status BlockReader::ExpectMap() const {
  if (!block_.is_null() && !block_.is_object()) return Error("", "expected a map");
  return Status::Ok();
}

Status BlockReader::CheckKeys(const std::set<std::string>& known) const {
  if (!block_.is_object()) return Status::Ok();
  for (auto it = block_.begin(); it != block_.end(); ++it) {
    if (known.count(it.key())) continue;
    return Error(it.key(), UnknownKeyMessage(it.key(), std::vector<std::string>(known.begin(), known.end())));
  }
  return Status::Ok();
}

Result<std::string> BlockReader::String(const std::string& key, const std::string& fallback, bool required) const {
  const nlohmann::json& v = Raw(key);
  if (v.is_null()) {
    if (required) return Error(key, "is required");
    return fallback;
  }
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return Error(key, "expected a string");
}

Result<double> BlockReader::Number(const std::string& key, double fallback, double min, double max) const {
  const nlohmann::json& v = Raw(key);
  if (v.is_null()) return fallback;
  if (!v.is_number() || v.get<double>() < min || v.get<double>() > max) return Error(key, "expected a number from " + Range(min, max));
  return v.get<double>();
}

Result<bool> BlockReader::Bool(const std::string& key, bool fallback) const {
  const nlohmann::json& v = Raw(key);
  if (v.is_null()) return fallback;
  if (!v.is_boolean()) return Error(key, "expected true or false");
  return v.get<bool>();
}

Result<std::chrono::milliseconds> BlockReader::Duration(const std::string& key, std::chrono::milliseconds fallback) const {
  const nlohmann::json& v = Raw(key);
  if (v.is_null()) return fallback;
  auto d = DurationValue(v);
  if (!d.ok()) return Error(key, d.error());
  return *d;
}

Result<std::vector<std::string>> BlockReader::StringList(const std::string& key) const {
  const nlohmann::json& v = Raw(key);
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (v.is_string()) return std::vector<std::string>{v.get<std::string>()};
  if (!v.is_array()) return Error(key, "expected a list of strings");
  for (const auto& item : v) {
    if (!item.is_string() || item.get<std::string>().empty()) return Error(key, "expected a list of non-empty strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> BlockReader::Choice(const std::string& key, const std::string& fallback,
                                        const std::vector<std::string>& choices) const {
  auto s = String(key, fallback);
  if (!s.ok()) return s;
  std::string list;
  for (const auto& c : choices) {
    if (*s == c) return s;
    list += (list.empty() ? "" : ", ") + c;
  }
  return Error(key, "\"" + *s + "\" is not one of " + list);
}

BlockReader BlockReader::ChildOrEmpty(const std::string& key) const {
  return BlockReader(config_, Has(key) ? block_.at(key) : EmptyMap(), path_ + "." + key);
}

BlockReader BlockReader::Element(size_t i) const {
  return BlockReader(config_, block_.at(i), path_ + "[" + std::to_string(i) + "]");
}

Result<int64_t> BlockReader::Integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  const nlohmann::json& v = Raw(key);
  if (v.is_null()) return fallback;
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max)
    return Error(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  return v.get<int64_t>();
}

Status BlockReader::OnlyKeys(std::initializer_list<const char*> allowed) const {
  if (!block_.is_object()) return Error("", "expected a map");
  std::set<std::string> keys(allowed.begin(), allowed.end());
  for (auto it = block_.begin(); it != block_.end(); ++it) {
    if (!keys.count(it.key())) return Error(it.key(), UnknownKeyMessage(it.key(), std::vector<std::string>(allowed.begin(), allowed.end())));
  }
  return Status::Ok();
}

Status BlockReader::Read(const std::string& key, std::string* out) const {
  const nlohmann::json& v = Raw(key);
  if (!v.is_null() && !v.is_string()) return Error(key, "expected a string");
  return Into(String(key, *out), out);
}

Status BlockReader::Read(const std::string& key, int* out, int min, int max) const {
  return Into(Integer(key, *out, min, max), out);
}

Status BlockReader::Read(const std::string& key, double* out, double min, double max) const {
  return Into(Number(key, *out, min, max), out);
}

Status BlockReader::Read(const std::string& key, bool* out) const { return Into(Bool(key, *out), out); }

Status BlockReader::Read(const std::string& key, std::chrono::milliseconds* out) const {
  return Into(Duration(key, *out), out);
}

}  // namespace vigil

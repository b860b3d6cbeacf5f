#include "config/yaml_convert.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"
#include "config/units.h"
#include "config/yaml_budget.h"

namespace vigil {
namespace {

std::string Join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

bool InBounds(const KeySpec& spec, double v) {
  return (spec.min == 0 && spec.max == 0) || (v >= spec.min && v <= spec.max);
}

std::string BoundsText(const KeySpec& spec) {
  std::ostringstream s;
  s << "must be between " << spec.min << " and " << spec.max;
  return s.str();
}

bool ValidListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::atoi(port.c_str()) <= 65535;
}

std::optional<nlohmann::json> Fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

std::optional<nlohmann::json> NormaliseNumber(const KeySpec& spec, const std::string& text, std::string* why) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') return Fail(why, std::string("expected ") + KeyTypeName(spec.type) + ", got \"" + text + "\"");
  if (spec.type == KeyType::kInt && std::floor(v) != v) return Fail(why, "expected an integer, got \"" + text + "\"");
  if (!InBounds(spec, v)) return Fail(why, BoundsText(spec) + ", got " + text);
  if (spec.type == KeyType::kInt) return nlohmann::json(static_cast<int64_t>(v));
  return nlohmann::json(v);
}

// A secret's key in a free-form block. A bare "key" is not one there: such blocks use it for
// other things (an embedding target's key column; a TLS `key_file` would be a path).
bool IsFreeFormSecret(const std::string& key) { return key != "key" && LooksSecret(key); }

// The secret a "<secret>_file" key stands for ("secret_file" -> "secret"); empty for other keys.
std::string SecretOfFileKey(const std::string& key) {
  if (!key.ends_with("_file")) return "";
  std::string base = key.substr(0, key.size() - 5);
  return IsFreeFormSecret(base) ? base : "";
}

}  // namespace

std::optional<nlohmann::json> NormaliseScalar(const KeySpec& spec, const std::string& text, std::string* why) {
  switch (spec.type) {
    case KeyType::kString:
    case KeyType::kSecret:
      return nlohmann::json(text);
    case KeyType::kEnum:
      for (const auto& c : spec.choices) {
        if (c == text) return nlohmann::json(text);
      }
      {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        return Fail(why, "\"" + text + "\" is not one of " + list);
      }
    case KeyType::kInt:
    case KeyType::kFloat:
      return NormaliseNumber(spec, text, why);
    case KeyType::kBool:
      if (text == "true" || text == "yes" || text == "on") return nlohmann::json(true);
      if (text == "false" || text == "no" || text == "off") return nlohmann::json(false);
      return Fail(why, "expected true or false, got \"" + text + "\"");
    case KeyType::kDuration: {
      auto d = ParseDuration(text);
      if (!d) return Fail(why, "expected a duration such as 90s, 5m, 1h or 1d, got \"" + text + "\"");
      if (!InBounds(spec, static_cast<double>(d->count())))
        return Fail(why, "must be between " + FormatDuration(std::chrono::milliseconds(int64_t(spec.min))) + " and " +
                             FormatDuration(std::chrono::milliseconds(int64_t(spec.max))) + ", got " + text);
      return nlohmann::json(d->count());
    }
    case KeyType::kSize: {
      auto n = ParseByteSize(text);
      if (!n) return Fail(why, "expected a size such as 512, 64KiB or 1MiB, got \"" + text + "\"");
      if (!InBounds(spec, static_cast<double>(*n))) return Fail(why, BoundsText(spec) + " bytes, got " + text);
      return nlohmann::json(*n);
    }
    case KeyType::kListen:
      if (!ValidListen(text)) return Fail(why, "expected host:port such as 127.0.0.1:8470, got \"" + text + "\"");
      return nlohmann::json(text);
    default:
      return Fail(why, std::string("expected a ") + KeyTypeName(spec.type) + ", got a scalar");
  }
}

Result<std::string> ExpandEnv(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") == 0) {
      auto close = text.find('}', i + 2);
      if (close == std::string::npos) return Status::Error("unterminated ${ in \"" + text + "\"");
      std::string name = text.substr(i + 2, close - i - 2);
      const char* value = std::getenv(name.c_str());
      if (value == nullptr) return Status::Error("environment variable " + name + " is not set");
      out += value;
      i = close + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

Result<std::string> ConfigLoader::Expand(const std::string& text) const {
  if (row_secrets_ == nullptr) return ExpandEnv(text);
  if (text.find("${") != std::string::npos)
    return Status::Error("\"${...}\" is not expanded in a platform watcher's config (a row cannot read the daemon's "
                         "environment); a secret can name an entry of the YAML's secrets: map with <key>_ref");
  return text;
}

std::string ConfigLoader::At(const YAML::Mark& mark) const {
  if (row_secrets_ != nullptr) return file_;
  std::string name = std::filesystem::path(file_).filename().string();
  if (mark.line < 0) return name;
  return name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Status ConfigLoader::ErrorAt(const YAML::Node& node, const std::string& message) const {
  return Status::Error(At(node.Mark()) + ": " + message);
}

Status ConfigLoader::Run(const std::string& yaml) {
  // Measured first: yaml-cpp shares aliased nodes, and the walk below would copy each one out.
  if (auto refused = CheckYamlBudget(yaml)) return Status::Error(At(refused->mark) + ": " + refused->message);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Status::Error(At(e.mark) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return Status::Error(At(YAML::Mark()) + ": the config file is empty");
  if (!root.IsMap()) return ErrorAt(root, "the config file must be a map of sections");
  Status s = WalkMap(root, "", "", &out_->tree_);
  if (!s.ok()) return s;
  return CheckWatchers();
}

Status ConfigLoader::Walk(const YAML::Node& node, const std::string& spec_path, const std::string& concrete,
                          nlohmann::json* dest) {
  const KeySpec* spec = FindKeySpec(spec_path);
  if (spec == nullptr) return ErrorAt(node, "unknown key " + concrete);
  out_->marks_[concrete] = At(node.Mark());
  switch (spec->type) {
    case KeyType::kSection:
      if (node.IsNull()) return Status::Ok();
      if (!node.IsMap()) return ErrorAt(node, concrete + ": expected a map");
      return WalkMap(node, spec_path, concrete, dest);
    case KeyType::kList:
      if (node.IsNull()) return Status::Ok();
      if (!node.IsSequence()) return ErrorAt(node, concrete + ": expected a list");
      return WalkList(node, spec_path, concrete, dest);
    case KeyType::kAny: {
      auto json = AnyToJson(node, concrete);
      if (!json.ok()) return json.status();
      *dest = *json;
      return Status::Ok();
    }
    case KeyType::kStringList: {
      if (!node.IsSequence()) return ErrorAt(node, concrete + ": expected a list of strings");
      *dest = nlohmann::json::array();
      for (const auto& item : node) {
        if (!item.IsScalar()) return ErrorAt(item, concrete + ": expected a string");
        auto text = Expand(item.Scalar());
        if (!text.ok()) return ErrorAt(item, concrete + ": " + text.error());
        dest->push_back(*text);
      }
      return Status::Ok();
    }
    default:
      return WalkScalar(node, *spec, concrete, dest);
  }
}

Status ConfigLoader::WalkScalar(const YAML::Node& node, const KeySpec& spec, const std::string& concrete,
                                nlohmann::json* dest) {
  if (!node.IsScalar()) return ErrorAt(node, concrete + ": expected " + KeyTypeName(spec.type));
  auto text = Expand(node.Scalar());
  if (!text.ok()) return ErrorAt(node, concrete + ": " + text.error());
  std::string why;
  auto value = NormaliseScalar(spec, *text, &why);
  if (!value) return ErrorAt(node, concrete + ": " + why);
  if (spec.type == KeyType::kSecret) NoteSecret(concrete, node);
  *dest = *value;
  return Status::Ok();
}

Status ConfigLoader::WalkMap(const YAML::Node& node, const std::string& spec_path, const std::string& concrete,
                             nlohmann::json* dest) {
  *dest = nlohmann::json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return ErrorAt(it->first, "keys must be plain names");
    std::string key = it->first.Scalar();
    std::string child_spec = Join(spec_path, key);
    std::string child = Join(concrete, key);
    if (dest->contains(key)) return ErrorAt(it->first, "duplicate key " + child);
    if (row_secrets_ != nullptr && FindKeySpec(child_spec) == nullptr) {
      std::string base = key.substr(0, key.rfind('_'));
      const KeySpec* spec = FindKeySpec(Join(spec_path, base));
      Status s;
      if (spec != nullptr && spec->type == KeyType::kSecret && RowSecretKey(it->first, it->second, base, concrete, dest, &s)) {
        if (!s.ok()) return s;
        continue;
      }
    }
    // "<secret>_file: PATH" reads a secret from a file.
    if (key.ends_with("_file") && FindKeySpec(child_spec) == nullptr) {
      std::string base = key.substr(0, key.size() - 5);
      const KeySpec* spec = FindKeySpec(Join(spec_path, base));
      if (spec != nullptr && spec->type == KeyType::kSecret) {
        if (dest->contains(base)) return ErrorAt(it->first, "give either " + Join(concrete, base) + " or " + child + ", not both");
        auto secret = ReadSecretFile(it->second, child);
        if (!secret.ok()) return secret.status();
        (*dest)[base] = *secret;
        NoteSecret(Join(concrete, base), it->second);
        continue;
      }
    }
    Status s = Walk(it->second, child_spec, child, &(*dest)[key]);
    if (!s.ok()) {
      // Report unknown keys at the key itself, not at its value.
      if (FindKeySpec(child_spec) == nullptr) {
        const char* removed = RemovedKeyHint(child_spec);
        return ErrorAt(it->first, removed != nullptr ? std::string(removed) : "unknown key " + child);
      }
      return s;
    }
  }
  return Status::Ok();
}

Status ConfigLoader::WalkList(const YAML::Node& node, const std::string& spec_path, const std::string& concrete,
                              nlohmann::json* dest) {
  *dest = nlohmann::json::array();
  for (size_t i = 0; i < node.size(); ++i) {
    std::string item = concrete + "[" + std::to_string(i) + "]";
    out_->marks_[item] = At(node[i].Mark());
    if (!node[i].IsMap()) return ErrorAt(node[i], item + ": expected a map");
    dest->push_back(nullptr);
    Status s = WalkMap(node[i], spec_path + "[]", item, &dest->back());
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<nlohmann::json> ConfigLoader::AnyToJson(const YAML::Node& node, const std::string& concrete) {
  out_->marks_[concrete] = At(node.Mark());
  if (node.IsNull()) return nlohmann::json(nullptr);
  if (node.IsScalar()) {
    auto text = Expand(node.Scalar());
    if (!text.ok()) return ErrorAt(node, concrete + ": " + text.error());
    if (node.Tag() == "!") return nlohmann::json(*text);  // quoted: keep as a string
    const std::string& s = *text;
    if (s == "true" || s == "false") return nlohmann::json(s == "true");
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0') return nlohmann::json(i);
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == '\0') return nlohmann::json(d);
    return nlohmann::json(s);
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < node.size(); ++i) {
      auto item = AnyToJson(node[i], concrete + "[" + std::to_string(i) + "]");
      if (!item.ok()) return item;
      out.push_back(*item);
    }
    return out;
  }
  return AnyMapToJson(node, concrete);
}

// In a free-form map a secret-looking key ("secret", "token", "api_key", ...) is text as written,
// never a number or a boolean, and "<secret>_file: PATH" reads it from a file, as for the keys
// of the table.
Result<nlohmann::json> ConfigLoader::AnyMapToJson(const YAML::Node& node, const std::string& concrete) {
  nlohmann::json out = nlohmann::json::object();
  // The top-level `secrets:` map: every entry is a secret, whatever its name.
  bool all_secret = concrete == "secrets";
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    std::string child = Join(concrete, key);
    if (row_secrets_ != nullptr) {
      std::string base = key.substr(0, key.rfind('_'));
      Status s;
      if (IsFreeFormSecret(base) && RowSecretKey(it->first, it->second, base, concrete, &out, &s)) {
        if (!s.ok()) return s;
        continue;
      }
    }
    // "<secret>_file: PATH"; in `secrets:` every "<name>_file" is one.
    std::string secret = all_secret && key.ends_with("_file") ? key.substr(0, key.size() - 5) : SecretOfFileKey(key);
    if (!secret.empty()) {
      if (node[secret].IsDefined())
        return ErrorAt(it->first, "give either " + Join(concrete, secret) + " or " + child + ", not both");
      auto text = ReadSecretFile(it->second, child);
      if (!text.ok()) return text.status();
      NoteSecret(Join(concrete, secret), it->second);
      out[secret] = *text;
      continue;
    }
    auto value = all_secret || IsFreeFormSecret(key) ? SecretToJson(it->second, child) : AnyToJson(it->second, child);
    if (!value.ok()) return value;
    out[key] = *value;
  }
  return out;
}

Result<nlohmann::json> ConfigLoader::SecretToJson(const YAML::Node& node, const std::string& concrete) {
  if (!node.IsScalar()) return AnyToJson(node, concrete);  // null, or not a secret after all
  auto text = Expand(node.Scalar());
  if (!text.ok()) return ErrorAt(node, concrete + ": " + text.error());
  NoteSecret(concrete, node);
  return nlohmann::json(*text);
}

Result<std::string> ConfigLoader::ReadSecretFile(const YAML::Node& node, const std::string& concrete) const {
  if (!node.IsScalar()) return ErrorAt(node, concrete + ": expected a file path");
  auto file = Expand(node.Scalar());
  if (!file.ok()) return ErrorAt(node, concrete + ": " + file.error());
  std::filesystem::path p(*file);
  if (p.is_relative()) p = std::filesystem::absolute(file_).parent_path() / p;
  std::ifstream in(p, std::ios::binary);
  if (!in || std::filesystem::is_directory(p)) return ErrorAt(node, concrete + ": cannot read " + p.string());
  std::stringstream buf;
  buf << in.rdbuf();
  std::string secret = buf.str();
  // One line end is the editor's, not the secret's.
  if (secret.ends_with("\r\n")) secret.resize(secret.size() - 2);
  else if (secret.ends_with("\n")) secret.pop_back();
  if (secret.empty()) return ErrorAt(node, concrete + ": " + p.string() + " is empty");
  return secret;
}

void ConfigLoader::NoteSecret(const std::string& concrete, const YAML::Node& node) {
  out_->secret_paths_.push_back(concrete);
  out_->marks_[concrete] = At(node.Mark());
}

Status ConfigLoader::CheckWatchers() {
  const auto& watchers = out_->tree_.value("watchers", nlohmann::json::array());
  std::set<std::string> names;
  for (size_t i = 0; i < watchers.size(); ++i) {
    std::string at = "watchers[" + std::to_string(i) + "]";
    std::string where = out_->Where(at);
    const auto& w = watchers[i];
    if (!w.contains("name")) return Status::Error(where + ": " + at + ".name is required");
    if (!w.contains("type")) return Status::Error(where + ": " + at + ".type is required");
    std::string name = w["name"];
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != std::string::npos)
      return Status::Error(out_->Where(at + ".name") + ": " + at + ".name: \"" + name +
                           "\" may hold only letters, digits, '-', '_' and '.'");
    if (!names.insert(name).second)
      return Status::Error(out_->Where(at + ".name") + ": " + at + ".name: duplicate watcher name \"" + name + "\"");
  }
  return Status::Ok();
}

}  // namespace vigil

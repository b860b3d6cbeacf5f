#include "config/yaml_convert.h"

#include <yaml-cpp/exceptions.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "config/config.h"
#include "config/key_hint.h"
#include "config/watcher_keys.h"
#include "config/yaml_budget.h"
#include "config/yaml_syntax.h"

namespace vigil {
namespace {

std::string Join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

// The keys a map at `spec_path` may have; a watcher's, those of its type when it names one.
std::vector<std::string> ValidKeys(const YamlNode& map, const std::string& spec_path) {
  if (spec_path == "watchers[]" && map["type"].IsScalar() && !WatcherTypeKeys(map["type"].Scalar()).empty())
    return WatcherKeysFor(map["type"].Scalar());
  return ChildKeys(spec_path);
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

Result<std::string> ConfigLoader::Expand(const std::string& text) const {
  if (row_secrets_ == nullptr) return ExpandEnv(text);
  if (text.find("${") != std::string::npos)
    return Status::Error("\"${...}\" is not expanded in a platform watcher's config (a row cannot read the daemon's "
                         "environment); a secret can name an entry of the YAML's secrets: map with <key>_ref");
  return text;
}

ConfigLoader::ConfigLoader(std::string file, Config* out, LoadOptions options)
    : file_(std::move(file)), out_(out), options_(options), marks_(std::make_shared<Config::MarkTable>()) {
  marks_->source = std::filesystem::path(file_).filename().string();
  out_->marks_.insert(out_->marks_.begin(), marks_);
}

void ConfigLoader::Note(const std::string& concrete, const YAML::Mark& mark) {
  // A row's keys have no position; its label is where they are (At()).
  if (row_secrets_ != nullptr || mark.line < 0) marks_->Note(concrete, Config::Mark{});
  else marks_->Note(concrete, Config::Mark{mark.line + 1, mark.column + 1});
}

std::string ConfigLoader::At(const YAML::Mark& mark) const {
  if (row_secrets_ != nullptr) return file_;
  std::string name = std::filesystem::path(file_).filename().string();
  if (mark.line < 0) return name;
  return name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Status ConfigLoader::ErrorAt(const YamlNode& node, const std::string& message) const {
  return Status::Error(At(node.Mark()) + ": " + message);
}

Status ConfigLoader::Run(const std::string& yaml) {
  // Measured first: yaml-cpp shares aliased nodes, and the walk below would copy each one out.
  // A syntax error is left to YAML::Load below, which throws it again.
  if (auto refused = CheckYamlBudget(yaml); refused && !refused->syntax)
    return Status::Error(At(refused->mark) + ": " + refused->message);
  std::optional<YamlTree> tree;
  try {
    tree.emplace(YamlTree::Parse(yaml));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's mark is where it gave up, often past the mistake: find the line to fix.
    YamlSyntaxError error = ExplainYamlError(yaml, e.mark.line, e.mark.column, e.msg);
    YAML::Mark at = e.mark;
    at.line = error.line;
    at.column = error.column;
    return Status::Error(At(at) + ": " + error.message);
  }
  if (auto unclosed = FindUnclosedQuote(yaml)) {
    YAML::Mark at;
    at.line = unclosed->line;
    at.column = unclosed->column;
    return Status::Error(At(at) + ": " + unclosed->message);
  }
  YamlNode root = tree->root();
  if (!root.IsDefined() || root.IsNull()) return Status::Error(At(YAML::Mark()) + ": the config file is empty");
  if (!root.IsMap()) return ErrorAt(root, "the config file must be a map of sections");
  Status s = WalkMap(root, "", "", out_->tree_.get());
  marks_->Sort();
  if (!s.ok()) return s;
  return CheckWatchers();
}

Status ConfigLoader::Walk(const YamlNode& node, const std::string& spec_path, const std::string& concrete,
                          nlohmann::json* dest) {
  const KeySpec* spec = FindKeySpec(spec_path);
  if (spec == nullptr) return ErrorAt(node, concrete + ": unknown key");
  Note(concrete, node.Mark());
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
      for (size_t i = 0; i < node.size(); ++i) {
        YamlNode item = node[i];
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

Status ConfigLoader::WalkScalar(const YamlNode& node, const KeySpec& spec, const std::string& concrete,
                                nlohmann::json* dest) {
  if (!node.IsScalar()) return ErrorAt(node, concrete + ": expected " + KeyTypeName(spec.type));
  auto text = Expand(node.Scalar());
  if (!text.ok()) {
    Status error = ErrorAt(node, concrete + ": " + text.error());
    return spec.type == KeyType::kSecret && Defer(error, concrete, node, dest) ? Status::Ok() : error;
  }
  std::string why;
  auto value = NormaliseScalar(spec, *text, &why);
  if (!value) return ErrorAt(node, concrete + ": " + why);
  if (spec.type == KeyType::kSecret) NoteSecret(concrete, node);
  *dest = *value;
  return Status::Ok();
}

Status ConfigLoader::WalkMap(const YamlNode& node, const std::string& spec_path, const std::string& concrete,
                             nlohmann::json* dest) {
  *dest = nlohmann::json::object();
  for (size_t i = 0; i < node.size(); ++i) {
    YamlNode key_node = node.key(i), value_node = node.value(i);
    if (!key_node.IsScalar()) return ErrorAt(key_node, "keys must be plain names");
    std::string key = key_node.Scalar();
    std::string child_spec = Join(spec_path, key);
    std::string child = Join(concrete, key);
    if (dest->contains(key)) return ErrorAt(key_node, "duplicate key " + child);
    if (row_secrets_ != nullptr && FindKeySpec(child_spec) == nullptr) {
      std::string base = key.substr(0, key.rfind('_'));
      const KeySpec* spec = FindKeySpec(Join(spec_path, base));
      Status s;
      if (spec != nullptr && spec->type == KeyType::kSecret && RowSecretKey(key_node, value_node, base, concrete, dest, &s)) {
        if (!s.ok()) return s;
        continue;
      }
    }
    // "<secret>_file: PATH" reads a secret from a file.
    if (key.ends_with("_file") && FindKeySpec(child_spec) == nullptr) {
      std::string base = key.substr(0, key.size() - 5);
      const KeySpec* spec = FindKeySpec(Join(spec_path, base));
      if (spec != nullptr && spec->type == KeyType::kSecret) {
        if (dest->contains(base)) return ErrorAt(key_node, "give either " + Join(concrete, base) + " or " + child + ", not both");
        auto secret = ReadSecretFile(value_node, child);
        if (!secret.ok()) {
          if (Defer(secret.status(), Join(concrete, base), value_node, &(*dest)[base])) continue;
          return secret.status();
        }
        (*dest)[base] = *secret;
        NoteSecret(Join(concrete, base), value_node);
        continue;
      }
    }
    // An unknown key is reported at the key itself, not at its value.
    if (FindKeySpec(child_spec) == nullptr) {
      const char* removed = RemovedKeyHint(child_spec);
      return ErrorAt(key_node, removed != nullptr ? std::string(removed)
                                                   : child + ": " + UnknownKeyMessage(key, ValidKeys(node, spec_path)));
    }
    Status s = Walk(value_node, child_spec, child, &(*dest)[key]);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ConfigLoader::WalkList(const YamlNode& node, const std::string& spec_path, const std::string& concrete,
                              nlohmann::json* dest) {
  *dest = nlohmann::json::array();
  for (size_t i = 0; i < node.size(); ++i) {
    std::string item = concrete + "[" + std::to_string(i) + "]";
    Note(item, node[i].Mark());
    if (!node[i].IsMap()) return ErrorAt(node[i], item + ": expected a map");
    dest->push_back(nullptr);
    Status s = WalkMap(node[i], spec_path + "[]", item, &dest->back());
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<nlohmann::json> ConfigLoader::AnyToJson(const YamlNode& node, const std::string& concrete) {
  Note(concrete, node.Mark());
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
Result<nlohmann::json> ConfigLoader::AnyMapToJson(const YamlNode& node, const std::string& concrete) {
  nlohmann::json out = nlohmann::json::object();
  // The top-level `secrets:` map: every entry is a secret, whatever its name.
  bool all_secret = concrete == "secrets";
  for (size_t i = 0; i < node.size(); ++i) {
    YamlNode key_node = node.key(i), value_node = node.value(i);
    std::string key = key_node.Scalar();
    std::string child = Join(concrete, key);
    if (row_secrets_ != nullptr) {
      std::string base = key.substr(0, key.rfind('_'));
      Status s;
      if (IsFreeFormSecret(base) && RowSecretKey(key_node, value_node, base, concrete, &out, &s)) {
        if (!s.ok()) return s;
        continue;
      }
    }
    // "<secret>_file: PATH"; in `secrets:` every "<name>_file" is one.
    std::string secret = all_secret && key.ends_with("_file") ? key.substr(0, key.size() - 5) : SecretOfFileKey(key);
    if (!secret.empty()) {
      if (node[secret].IsDefined())
        return ErrorAt(key_node, "give either " + Join(concrete, secret) + " or " + child + ", not both");
      auto text = ReadSecretFile(value_node, child);
      if (!text.ok()) {
        if (Defer(text.status(), Join(concrete, secret), value_node, &out[secret])) continue;
        return text.status();
      }
      NoteSecret(Join(concrete, secret), value_node);
      out[secret] = *text;
      continue;
    }
    auto value = all_secret || IsFreeFormSecret(key) ? SecretToJson(value_node, child) : AnyToJson(value_node, child);
    if (!value.ok()) return value;
    out[key] = *value;
  }
  return out;
}

Result<nlohmann::json> ConfigLoader::SecretToJson(const YamlNode& node, const std::string& concrete) {
  if (!node.IsScalar()) return AnyToJson(node, concrete);  // null, or not a secret after all
  auto text = Expand(node.Scalar());
  if (!text.ok()) {
    nlohmann::json as_written;
    Status error = ErrorAt(node, concrete + ": " + text.error());
    if (Defer(error, concrete, node, &as_written)) return as_written;
    return error;
  }
  NoteSecret(concrete, node);
  return nlohmann::json(*text);
}

Result<std::string> ConfigLoader::ReadSecretFile(const YamlNode& node, const std::string& concrete) const {
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

void ConfigLoader::NoteSecret(const std::string& concrete, const YamlNode& node) {
  out_->secret_paths_.push_back(concrete);
  Note(concrete, node.Mark());
}

bool ConfigLoader::Defer(const Status& error, const std::string& concrete, const YamlNode& node, nlohmann::json* dest) {
  if (!options_.defer_secrets || row_secrets_ != nullptr || !node.IsScalar()) return false;
  out_->unresolved_secrets_.emplace(concrete, error.message());
  NoteSecret(concrete, node);
  *dest = node.Scalar();
  return true;
}

Status ConfigLoader::CheckWatchers() {
  const auto& watchers = out_->tree_->value("watchers", nlohmann::json::array());
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

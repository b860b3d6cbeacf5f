// The walk of a platform watcher row (ConfigLoader::RunWatcherRow): a row's JSON block read as a
// YAML block of `watchers[]` is, with what a row may not do (config/yaml_convert.h). The rest of
// the walk is yaml_convert.cpp's.
#include "config/yaml_convert.h"

namespace vigil {
namespace {

std::string Join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

}  // namespace

bool ConfigLoader::RowSecretKey(const YamlNode& key, const YamlNode& value, const std::string& base,
                                const std::string& concrete, nlohmann::json* dest, Status* status) {
  std::string name = key.Scalar();
  std::string child = Join(concrete, name);
  if (name == base + "_file") {
    *status = ErrorAt(key, child + ": a platform watcher's config cannot read the daemon's files; name an entry of "
                                   "the YAML's secrets: map with " + base + "_ref");
    return true;
  }
  if (name != base + "_ref") return false;
  if (dest->contains(base)) {
    *status = ErrorAt(key, "give either " + Join(concrete, base) + " or " + child + ", not both");
    return true;
  }
  if (!value.IsScalar() || value.Scalar().empty()) {
    *status = ErrorAt(value, child + ": expected the name of an entry of secrets:");
    return true;
  }
  auto found = row_secrets_->find(value.Scalar());
  if (found == row_secrets_->end() || !found->is_string()) {
    *status = ErrorAt(value, child + ": no secret named \"" + value.Scalar() + "\" in the YAML's secrets: map");
    return true;
  }
  (*dest)[base] = found->get<std::string>();
  NoteSecret(Join(concrete, base), value);
  return true;
}

namespace {

// A JSON value as the YAML node the walk reads, added to `tree`: strings are tagged "!" (quoted),
// so a free-form block keeps "50" a string as YAML text would.
uint32_t YamlOf(const nlohmann::json& j, YamlTree* tree) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      uint32_t map = tree->Add(YamlTree::Kind::kMap);
      for (auto it = j.begin(); it != j.end(); ++it) {
        tree->Append(map, tree->Add(YamlTree::Kind::kScalar, it.key()));
        tree->Append(map, YamlOf(it.value(), tree));
      }
      return map;
    }
    case nlohmann::json::value_t::array: {
      uint32_t seq = tree->Add(YamlTree::Kind::kSequence);
      for (const auto& item : j) tree->Append(seq, YamlOf(item, tree));
      return seq;
    }
    case nlohmann::json::value_t::null:
      return tree->Add(YamlTree::Kind::kNull);
    case nlohmann::json::value_t::string:
      return tree->Add(YamlTree::Kind::kScalar, j.get<std::string>(), "!");
    default:
      return tree->Add(YamlTree::Kind::kScalar, j.dump());
  }
}

}  // namespace

Result<nlohmann::json> ConfigLoader::RunWatcherRow(const nlohmann::json& block, size_t index, const nlohmann::json& secrets) {
  static const nlohmann::json kNone = nlohmann::json::object();
  row_secrets_ = secrets.is_object() ? &secrets : &kNone;
  marks_->source = file_;
  if (!block.is_object()) return Status::Error(file_ + ": the row's config must be a JSON object");
  nlohmann::json out;
  YamlTree tree;
  Status s = WalkMap(tree.at(YamlOf(block, &tree)), "watchers[]", "watchers[" + std::to_string(index) + "]", &out);
  marks_->Sort();
  row_secrets_ = nullptr;
  if (!s.ok()) return s;
  return out;
}

}  // namespace vigil

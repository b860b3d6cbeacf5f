// `vigil import-hooks FILE [--show-secrets]`: prints the vigil watchers equivalent to an
// adnanh/webhook hooks file (JSON or YAML), then, as YAML comments, the environment variables
// their secrets are read from (the values only with --show-secrets) and what could not be
// carried over.
#include <yaml-cpp/yaml.h>

#include <iostream>

#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"
#include "sources/webhook/hook_import.h"

namespace vigil {
namespace {

// JSON is YAML, so one reader serves both; scalars that read as integers or booleans become them.
nlohmann::json YamlToJson(const YAML::Node& node) {
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(YamlToJson(item));
    return out;
  }
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = node.begin(); it != node.end(); ++it) out[it->first.Scalar()] = YamlToJson(it->second);
    return out;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() != "!") {
    if (s == "true" || s == "false") return s == "true";
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0') return i;
  }
  return s;
}

void Emit(YAML::Emitter& out, const nlohmann::json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      Emit(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& v : j) Emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    out << j.get<std::string>();
  } else {
    out << j.dump();
  }
}

void PrintSecrets(const std::vector<HookSecret>& secrets, bool show) {
  if (secrets.empty()) return;
  std::cout << "# Set these environment variables for vigil"
            << (show ? ":\n" : " (values not shown; --show-secrets prints them):\n");
  for (const auto& s : secrets) {
    if (show) std::cout << "#   " << s.variable << "=" << s.value << "\n";
    else std::cout << "#   " << s.variable << "  (hook " << s.hook << "'s secret)\n";
  }
}

int RunImportHooks(const std::string& file, bool show_secrets, bool json) {
  nlohmann::json hooks;
  try {
    hooks = YamlToJson(YAML::LoadFile(file));
  } catch (const YAML::Exception& e) {
    return cli::Fail(file + ": " + e.what());
  }
  auto imported = ImportAdnanhHooks(hooks);
  if (!imported.ok()) return cli::Fail(file + ": " + imported.error());
  if (json) {
    nlohmann::json secrets = nlohmann::json::array();
    for (const auto& s : imported->secrets) {
      secrets.push_back({{"variable", s.variable}, {"hook", s.hook}});
      if (show_secrets) secrets.back()["value"] = s.value;
    }
    std::cout << nlohmann::json{{"watchers", imported->watchers}, {"secrets", secrets}, {"not_carried", imported->not_carried}}.dump(2)
              << "\n";
    return 0;
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "watchers" << YAML::Value;
  Emit(out, imported->watchers);
  out << YAML::EndMap;
  std::cout << out.c_str() << "\n";
  PrintSecrets(imported->secrets, show_secrets);
  if (!imported->not_carried.empty()) {
    std::cout << "# Not carried over:\n";
    for (const auto& line : imported->not_carried) std::cout << "#   " << line << "\n";
  }
  return 0;
}

}  // namespace

void RegisterImportHooksVerb(CLI::App& app, VerbList& out) {
  auto* cmd = app.add_subcommand("import-hooks", "print vigil watchers equivalent to an adnanh/webhook hooks file");
  auto file = std::make_shared<std::string>();
  auto show_secrets = std::make_shared<bool>(false);
  cmd->add_option("file", *file, "hooks.json or hooks.yaml")->required();
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--show-secrets", *show_secrets, "print the secrets' values with the variables to set");
  cmd->add_flag("--json", *json, "the watchers, the secrets to set and what was not carried over, as JSON");
  out.emplace_back(cmd, [file, show_secrets, json] { return RunImportHooks(*file, *show_secrets, *json); });
}

}  // namespace vigil

// `vigil config reference [PREFIX] [--format text|md] [--json]`: the configuration table, for a
// terminal by default, as the Markdown of docs/configuration.md with --format md (the whole
// reference when no PREFIX is given), or as JSON.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "config/reference.h"
#include "daemon/cli/cli_verbs.h"
#include "daemon/cli/output.h"

namespace vigil {
namespace {

struct ReferenceArgs {
  std::string prefix;
  std::string format = "text";
  bool json = false;
};

nlohmann::json KeyJson(const KeySpec& s) {
  nlohmann::json j = {{"key", s.path},   {"type", KeyTypeName(s.type)}, {"reload", s.reloadable},
                      {"meaning", s.help}, {"applied_by", s.applied_by}};
  if (!s.default_value.empty()) j["default"] = s.default_value;
  if (!s.choices.empty()) j["choices"] = s.choices;
  if (!RangeText(s).empty()) j["range"] = RangeText(s);
  return j;
}

int PrintReference(const ReferenceArgs& a) {
  if (int bad = cli::CheckOneOf("--format", a.format, {"text", "md"})) return bad;
  auto keys = KeysUnder(a.prefix);
  if (!keys.ok()) return cli::Fail(keys.error(), 2);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const KeySpec* k : *keys) out.push_back(KeyJson(*k));
    std::cout << out.dump(2) << "\n";
  } else if (a.format == "md") {
    std::cout << (a.prefix.empty() ? ConfigReferenceMarkdown() : ConfigReferenceMarkdownTable(*keys));
  } else {
    std::cout << ConfigReferenceText(*keys, cli::TerminalWidth());
  }
  return 0;
}

}  // namespace

void RegisterConfigVerbs(CLI::App& app, VerbList& out, std::string& /*config_path*/) {
  auto* config = app.add_subcommand("config", "about the configuration");
  config->require_subcommand(1);
  auto a = std::make_shared<ReferenceArgs>();
  auto* reference = config->add_subcommand("reference", "every config key: type, range, default, reload, meaning");
  reference->add_option("prefix", a->prefix, "only the keys at or under this one (http, watchers, watchers.every, ...)");
  reference->add_option("--format", a->format, "text (for a terminal) or md (the Markdown of docs/configuration.md)");
  reference->add_flag("--json", a->json, "machine-readable output");
  out.emplace_back(reference, [a] { return PrintReference(*a); });
}

}  // namespace vigil

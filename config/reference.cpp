#include "config/reference.h"

#include <sstream>

#include "config/key_hint.h"
#include "config/units.h"
#include "config/yaml_budget.h"

namespace vigil {
namespace {

std::string Number(double v) {
  std::ostringstream out;
  out.precision(15);
  out << v;
  return out.str();
}

// "watchers.every" -> "watchers[].every": a list's items are named with [] in the table.
std::string TablePath(std::string prefix) {
  for (const auto& spec : ConfigTable()) {
    if (spec.type != KeyType::kList) continue;
    if (prefix.starts_with(spec.path + ".")) prefix.insert(spec.path.size(), "[]");
  }
  return prefix;
}

bool Under(const std::string& path, const std::string& prefix) {
  if (path == prefix) return true;
  if (!path.starts_with(prefix)) return false;
  char next = path[prefix.size()];
  return next == '.' || next == '[';
}

// Wraps `text` to `width` columns, each line starting with `indent`.
std::string Wrap(const std::string& text, size_t width, const std::string& indent) {
  std::istringstream words(text);
  std::string word, line, out;
  while (words >> word) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

}  // namespace

Result<std::vector<const KeySpec*>> KeysUnder(const std::string& prefix) {
  std::string want = TablePath(prefix);
  if (want.ends_with("[]")) want.resize(want.size() - 2);
  std::vector<const KeySpec*> keys;
  for (const auto& spec : ConfigTable()) {
    if (want.empty() || Under(spec.path, want)) keys.push_back(&spec);
  }
  if (!keys.empty()) return keys;
  std::vector<std::string> all;
  for (const auto& spec : ConfigTable()) all.push_back(spec.path);
  std::string nearest = NearestKey(want, all);
  return Status::Error("no config key \"" + prefix + "\"" + (nearest.empty() ? "" : " (did you mean \"" + nearest + "\"?)") +
                       "; the sections are: " + [] {
                         std::string list;
                         for (const auto& k : ChildKeys("")) list += (list.empty() ? "" : ", ") + k;
                         return list;
                       }());
}

std::string RangeText(const KeySpec& spec) {
  if (spec.min == 0 && spec.max == 0) return "";
  switch (spec.type) {
    case KeyType::kDuration:
      return FormatDuration(std::chrono::milliseconds(static_cast<int64_t>(spec.min))) + " to " +
             FormatDuration(std::chrono::milliseconds(static_cast<int64_t>(spec.max)));
    case KeyType::kSize:
      return FormatByteSize(static_cast<uint64_t>(spec.min)) + " to " + FormatByteSize(static_cast<uint64_t>(spec.max));
    default:
      return Number(spec.min) + " to " + Number(spec.max);
  }
}

std::string TypeText(const KeySpec& spec) {
  if (spec.type != KeyType::kEnum) {
    std::string type = KeyTypeName(spec.type);
    for (const auto& c : spec.choices) type += " or " + c;  // a number key's words ("auto")
    return type;
  }
  std::string list;
  for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
  return "one of " + list;
}

std::string ConfigReferenceMarkdownTable(const std::vector<const KeySpec*>& keys) {
  std::ostringstream out;
  out << "| key | type | default | reload | meaning | applied by |\n|---|---|---|---|---|---|\n";
  for (const KeySpec* s : keys) {
    std::string type = KeyTypeName(s->type);
    if (s->type == KeyType::kEnum) {
      type.clear();
      for (const auto& c : s->choices) type += (type.empty() ? "" : " \\| ") + ("`" + c + "`");
    } else {
      for (const auto& c : s->choices) type += " or `" + c + "`";
    }
    std::string range = RangeText(*s);
    if (!range.empty()) type += " (" + range + ")";
    out << "| `" << s->path << "` | " << type << " | " << (s->default_value.empty() ? "" : "`" + s->default_value + "`")
        << " | " << (s->reloadable ? "yes" : "restart") << " | " << s->help << " | "
        << (s->applied_by.empty() ? "" : "`" + s->applied_by + "`") << " |\n";
  }
  return out.str();
}

std::string ConfigReferenceMarkdown() {
  std::vector<const KeySpec*> all;
  for (const auto& spec : ConfigTable()) all.push_back(&spec);
  std::ostringstream out;
  out << "# Configuration reference\n\n"
         "Generated from vigil's config table (`vigil config reference --format md`); do not edit by hand.\n"
         "Durations need a unit: `250ms`, `90s`, `5m`, `1h`, `1d`, `1w` (a bare number such as `300` is an error);\n"
         "sizes read as `512`, `64KiB`, `1MiB`.\n"
         "Any string may use `${ENV_VAR}`; a secret key `k` may instead be given as `k_file: PATH` (relative to this\n"
         "file's folder; one trailing line end is dropped; a missing or empty file is an error). In free-form maps\n"
         "too, a secret-looking key (`secret`, `token`, `password`, `api_key`, `*_key`, ...) is its text as written.\n"
         "Secrets are needed by the code that uses them: `vigil run`, `vigil check` and a reload need every one set;\n"
         "the other verbs run without them (`vigil status` needs `api.token`).\n"
         "Reload: `yes` when SIGHUP applies a change, `restart` when it needs a restart.\n\n"
      << "Limits: YAML anchors and aliases (`&a`, `*a`) are allowed, but the file is measured with every alias\n"
         "expanded before anything is built: at most "
      << kMaxYamlNodes << " nodes (keys, values, maps and lists), " << (kMaxYamlScalarBytes >> 20)
      << " MiB of\nscalar text and " << kMaxYamlDepth
      << " levels of nesting. A file past one of them (such as an alias bomb) is refused with the\n"
         "file:line:column where it crossed the limit; on SIGHUP the running configuration is kept.\n\n"
      << ConfigReferenceMarkdownTable(all);
  return out.str();
}

std::string ConfigReferenceText(const std::vector<const KeySpec*>& keys, int width) {
  size_t columns = width > 20 ? static_cast<size_t>(width) : 100;
  std::string out;
  for (const KeySpec* s : keys) {
    std::string line = s->path + "  " + TypeText(*s);
    std::string range = RangeText(*s);
    if (!range.empty()) line += ", " + range;
    if (!s->default_value.empty()) line += ", default " + s->default_value;
    line += s->reloadable ? ", reload: yes" : ", reload: restart";
    out += line + "\n" + Wrap(s->help, columns, "    ");
  }
  return out;
}

}  // namespace vigil

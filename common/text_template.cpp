#include "common/text_template.h"

namespace vigil {
namespace {

std::string Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::string ValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Calls on_text for literal runs and on_name for placeholders.
template <class Text, class Name>
void Scan(std::string_view tmpl, Text on_text, Name on_name) {
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t open = tmpl.find("{{", pos);
    size_t close = open == std::string_view::npos ? open : tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      on_text(tmpl.substr(pos));
      return;
    }
    on_text(tmpl.substr(pos, open - pos));
    on_name(Trim(tmpl.substr(open + 2, close - open - 2)));
    pos = close + 2;
  }
}

}  // namespace

std::string RenderTemplate(std::string_view tmpl, const nlohmann::json& vars) {
  std::string out;
  Scan(tmpl, [&](std::string_view text) { out.append(text); },
       [&](const std::string& name) {
         if (vars.is_object() && vars.contains(name)) out += ValueText(vars[name]);
       });
  return out;
}

std::vector<std::string> TemplateNames(std::string_view tmpl) {
  std::vector<std::string> names;
  Scan(tmpl, [](std::string_view) {}, [&](const std::string& name) { names.push_back(name); });
  return names;
}

}  // namespace vigil

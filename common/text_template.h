// Text templates for titles, summaries and dedupe keys written in the config:
// "{{user}} failed from {{ip}}". A placeholder names a key of a JSON object of variables; strings
// are inserted as they are, other values as compact JSON, and a missing key as the empty string
// (a rule whose optional capture did not take part still yields a readable title).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// Renders `tmpl` with `vars` (an object). Never fails: text outside placeholders is copied, and an
// unterminated "{{" is copied literally.
std::string RenderTemplate(std::string_view tmpl, const nlohmann::json& vars);

// The placeholder names used in `tmpl`, in order of appearance (for config validation).
std::vector<std::string> TemplateNames(std::string_view tmpl);

}  // namespace vigil

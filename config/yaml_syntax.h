// A YAML syntax error as a person can act on it. yaml-cpp stops where the parser gave up, which
// for the common mistakes is a line or more after the one to fix: a key without its colon is read
// as text until the next key's colon ("illegal map value" there), an unclosed `[` or quote is
// reported at the end of what it swallowed. ExplainYamlError looks at the lines up to that point
// for the mistake (a missing colon, a line indented to no level above it, a tab, an unclosed quote
// or bracket, text after a closing quote) and names the key it sits in:
//   vigil.yaml:2:3: invalid YAML in http: "listen 127.0.0.1:8470" has no colon after its key ...
// Pure function of the text; any thread.
#pragma once

#include <optional>
#include <string>

namespace vigil {

struct YamlSyntaxError {
  int line = 0;    // 0-based, like YAML::Mark
  int column = 0;  // 0-based
  // "invalid YAML in watchers[1]: ..." (without the position).
  std::string message;
};

// `text` did not parse: yaml-cpp stopped at (`line`, `column`), 0-based, saying `what`.
YamlSyntaxError ExplainYamlError(const std::string& text, int line, int column, const std::string& what);

// yaml-cpp takes a double-quoted value that is never closed as running to the end of the file
// (swallowing every key after it). In text that parsed: such a quote, as an error; else nullopt.
std::optional<YamlSyntaxError> FindUnclosedQuote(const std::string& text);

}  // namespace vigil

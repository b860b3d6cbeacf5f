// The one wording of an unknown key, for the table-driven loader and every module that reads a
// free-form block: "unknown key (did you mean "query"? valid keys: name, type, source, query)".
// The caller puts the position and the key's path in front, as every config error has them:
//   vigil.yaml:12:5: watchers[0].qurey: unknown key (did you mean "query"? valid keys: ...)
#pragma once

#include <string>
#include <vector>

namespace vigil {

// The message for `key`, not one of `valid` (listed in the order given). The nearest valid key is
// suggested when it is a likely typo of `key` (a few edits apart, or the start of one key).
std::string UnknownKeyMessage(const std::string& key, const std::vector<std::string>& valid);

// The valid key nearest to `key` when it is a likely typo of it (common/nearest.h); "" otherwise.
std::string NearestKey(const std::string& key, const std::vector<std::string>& valid);

}  // namespace vigil

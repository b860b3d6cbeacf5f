#include "config/key_hint.h"

#include "common/nearest.h"

namespace vigil {

std::string NearestKey(const std::string& key, const std::vector<std::string>& valid) {
  return Nearest(key, valid).value_or("");
}

std::string UnknownKeyMessage(const std::string& key, const std::vector<std::string>& valid) {
  if (valid.empty()) return "unknown key (this block takes no keys)";
  std::string list;
  for (const auto& k : valid) list += (list.empty() ? "" : ", ") + k;
  std::string nearest = NearestKey(key, valid);
  std::string hint = nearest.empty() ? "" : "did you mean \"" + nearest + "\"? ";
  return "unknown key (" + hint + "valid keys: " + list + ")";
}

}  // namespace vigil

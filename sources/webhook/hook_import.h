// Reading an adnanh/webhook hooks file (already parsed into JSON) into the equivalent vigil
// webhook watchers, and naming what cannot be carried over: vigil stores events, it never runs
// commands, so execute-command and everything that feeds a command is dropped and listed.
//
// Carried: id -> name, http-methods -> methods, trigger-rule-mismatch-http-response-code ->
// mismatch_status, value/regex matches on header/url/payload -> trigger, one payload-hmac-* match
// at the top level (alone or in the top `and`) -> verify (github/github-sha1 for GitHub's
// headers, otherwise hmac), ip-whitelist at the same place -> verify.allow_ips.
// Pure function; any thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace vigil {

struct HookImport {
  nlohmann::json watchers = nlohmann::json::array();  // vigil `watchers:` entries
  std::vector<std::string> not_carried;               // "hook <id>: <what> (<why>)"
};

// Errors: the document is not a list of hooks, or a hook has no id.
Result<HookImport> ImportAdnanhHooks(const nlohmann::json& hooks);

}  // namespace vigil

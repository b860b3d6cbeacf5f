// Reading an adnanh/webhook hooks file (already parsed into JSON) into the equivalent vigil
// webhook watchers, and naming what cannot be carried over: vigil stores events, it never runs
// commands, so execute-command and everything that feeds a command is dropped and listed.
//
// Carried: id -> name, http-methods -> methods, trigger-rule-mismatch-http-response-code ->
// mismatch_status, value/regex matches on header/url/payload -> trigger, one payload-hmac-* match
// at the top level (alone or in the top `and`) -> verify (github/github-sha1 for GitHub's
// headers, otherwise hmac with its "<algorithm>=" prefix optional, as adnanh takes it), its secret
// -> `${WEBHOOK_<ID>_SECRET}` (the value is returned apart, never in the watchers),
// ip-whitelist at the same place -> verify.allow_ips (several in the top `and`: the addresses
// all admit; an `or` of ip-whitelists alone: all their ranges).
// Pure function; any thread.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace vigil {

// A secret the printed watchers read from the environment: `${variable}` must hold `value`.
struct HookSecret {
  std::string variable;  // WEBHOOK_<ID>_SECRET
  std::string hook;      // the adnanh hook id
  std::string value;
};

struct HookImport {
  nlohmann::json watchers = nlohmann::json::array();  // vigil `watchers:` entries
  std::vector<std::string> not_carried;               // "hook <id>: <what> (<why>)"
  std::vector<HookSecret> secrets;
};

// Errors: the document is not a list of hooks, or a hook has no id.
Result<HookImport> ImportAdnanhHooks(const nlohmann::json& hooks);

}  // namespace vigil

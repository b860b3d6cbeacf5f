// The small JSON-path subset timed HTTP checks use: `$` (the whole document), `.name`,
// `['name']` and `[index]` steps, e.g. "$.status.indicator" or "$.data[0]['load avg']".
// Filters, wildcards and slices are not supported (a check points at one value).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "sources/scheduled/scheduled_watcher_spec.h"

namespace vigil {

using JsonPathStep = std::variant<std::string, size_t>;

// The steps of `path`, or an error saying where it is malformed.
Result<std::vector<JsonPathStep>> ParseJsonPath(const std::string& path);

// The value at `path` in `doc`, or nullptr when a step is missing (or the path is malformed).
const nlohmann::json* FindJsonPath(const nlohmann::json& doc, const std::string& path);

// Whether `value` (nullptr: absent) satisfies `condition`. Numbers compare as numbers, strings
// lexicographically; `>`/`<` between other kinds are false.
bool ConditionHolds(const nlohmann::json* value, const JsonCondition& condition);

}  // namespace vigil

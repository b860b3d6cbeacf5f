// A scalar of the config file as its key's type reads it: durations to milliseconds, sizes to
// bytes, enums checked against their choices, numbers against their bounds; and `${ENV}`
// expanded in a string. Pure functions (ExpandEnv reads the environment).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "config/schema.h"

namespace vigil {

// A scalar's text normalised for its spec (durations to ms, sizes to bytes, ...); nullopt with
// `*why` set when the text does not fit the type or bounds.
std::optional<nlohmann::json> NormaliseScalar(const KeySpec& spec, const std::string& text, std::string* why = nullptr);

// Replaces ${NAME} with the environment variable; an unset one is an error naming it.
Result<std::string> ExpandEnv(const std::string& text);

}  // namespace vigil

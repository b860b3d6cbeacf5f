// Typed reads of one key of a JSON object from a free-form config block, for the modules that
// validate such blocks themselves. nlohmann's `value(key, fallback)` throws when the value has
// another type ("name: 5" where a string is wanted); these answer nullopt instead, so the caller
// can name the key and its position in an error.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// The string at `key`, `fallback` when the key is absent or null; nullopt when it holds anything
// else (a number, a list, a map). `object` may be any JSON value: a non-object has no keys.
std::optional<std::string> StringField(const nlohmann::json& object, const std::string& key, const std::string& fallback);

// The whole number at `key` within [min, max], `fallback` when absent or null; nullopt for
// anything else (a fraction, a string, a value out of range).
std::optional<int64_t> IntField(const nlohmann::json& object, const std::string& key, int64_t fallback, int64_t min,
                                int64_t max);

// The strings of the list at `key` (a list-of-strings key the loader has checked); empty when the
// key is absent or holds no list. Items that are not strings are left out.
std::vector<std::string> StringListField(const nlohmann::json& object, const std::string& key);

}  // namespace vigil

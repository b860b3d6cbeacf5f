// The configuration reference, from the config table (config/schema.h): for a terminal
// (`vigil config reference [PREFIX]`) and as Markdown (`--format md`, which generates
// docs/configuration.md). Ranges and defaults read in human units: "1 KiB to 1 MiB", "1s to 30d".
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/schema.h"

namespace vigil {

// The keys at or under `prefix` ("http", "watchers", "watchers[].verify", "watchers.every"; "" for
// all), in table order; an error naming the nearest key when none matches.
Result<std::vector<const KeySpec*>> KeysUnder(const std::string& prefix);

// "1 KiB to 1 MiB", "1s to 30d", "1 to 256", "0 to 1"; "" for a key without bounds.
std::string RangeText(const KeySpec& spec);
// "duration", "size", "one of text, json", ...
std::string TypeText(const KeySpec& spec);

// The whole reference as the docs page docs/configuration.md (header, limits and table).
std::string ConfigReferenceMarkdown();
// Only the table, of `keys`.
std::string ConfigReferenceMarkdownTable(const std::vector<const KeySpec*>& keys);
// For a terminal: each key on a line with its type, range, default and reload, then its meaning
// wrapped to `width` columns (0: 100).
std::string ConfigReferenceText(const std::vector<const KeySpec*>& keys, int width);

}  // namespace vigil

// JSON nesting depth: the one bound on how deeply arrays and objects may nest in any JSON that vigil
// reads, whether it comes from outside (webhook bodies, admin API bodies, answers of remote
// services) or back from its own database (raw_data, source_metadata, job args, ...).
//
// Why: nlohmann::json parses without recursion, and in 3.11 its destructor does not recurse either,
// but dump(), copies and comparisons recurse once per level: 100,000 levels overflow a thread's
// stack and kill the daemon. Every reader therefore measures the text first (one flat pass, no
// recursion) and refuses, or shows a marker for, anything deeper than kMaxJsonDepth.
//
// Depth counts open arrays and objects: `1` and `"x"` are 0 deep, `[1]` is 1, `{"a": [1]}` is 2.
// Pure functions, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace vigil {

inline constexpr size_t kMaxJsonDepth = 512;

// The nesting depth of `text`, counted by brackets outside strings; the count stops at
// kMaxJsonDepth + 1 (anything deeper reads as that). Text that is not JSON still gets a number:
// this says nothing about validity.
size_t JsonNestingDepth(std::string_view text);

// True when `text` nests no deeper than kMaxJsonDepth.
bool JsonDepthAllowed(std::string_view text);

// The error text for JSON past the limit, e.g. "JSON nests deeper than 512 levels (the limit)".
std::string JsonTooDeepMessage();

// Parses `text` with nlohmann::json after checking its depth. Errors: JsonTooDeepMessage(), or
// "not valid JSON: <the parser's message>".
Result<nlohmann::json> ParseJsonBounded(std::string_view text);

// The same for callers that only need to know whether there is a value: a discarded value
// (is_discarded()) when `text` is not JSON or nests too deeply.
nlohmann::json ParseJsonOrDiscarded(std::string_view text);

}  // namespace vigil

// PayloadProjection: a JSON body parsed into only the parts of it that a watcher reads.
//
// Why: a webhook watcher reads a handful of values from a payload (its trigger rules, its mapping,
// its delivery id, the sender's default title/summary/metadata), while the body is stored as
// received (Event::raw_json). Building a full nlohmann document of a 7 KB GitHub delivery was most
// of the loop thread's time per request; simdjson parses and validates the body in a few
// microseconds, and only the values on the watcher's paths are copied into a document.
//
// Contract: for every path added, and every prefix of it, the projected document holds exactly
// what a full parse (nlohmann::json::parse) holds at that place: the same value, or absent alike.
// Values at the end of a path are copied whole. An intermediate object keeps only the keys on some
// path; an intermediate array keeps its size, with null in the elements no path indexes. A body
// simdjson rejects (a UTF-8 byte order mark, ...) is parsed by nlohmann in full, so what is valid
// JSON stays as before (the tests hold both parsers to the same verdicts). A body nesting deeper
// than kMaxJsonDepth (common/json_depth.h) is refused before either parser runs: "a full parse"
// here is ParseJsonOrDiscarded, which refuses it alike.
//
// Paths are added at configuration time; afterwards Parse is const and may run on any thread (each
// thread keeps its own simdjson parser and buffer).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sources/webhook/request_values.h"

namespace vigil {

class PayloadProjection {
 public:
  void Add(const PayloadPath& path);

  // The projected document, or nullopt when the body is not valid JSON.
  std::optional<nlohmann::json> Parse(std::string_view body) const;

  struct Node {
    std::map<std::string, Node, std::less<>> children;
    bool whole = false;  // a path ends here: copy the value whole
  };

 private:
  Node root_;
};

}  // namespace vigil

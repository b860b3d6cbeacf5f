// Trigger rules decide whether an authentic webhook request becomes an event, in the spirit of
// adnanh/webhook: a tree of `and`, `or`, `not` over `match` leaves. For example
//
//   and:
//     - match: {type: value, value: push, source: header, name: X-GitHub-Event}
//     - match: {type: regex, regex: "^refs/heads/(main|release/.*)$", source: payload, name: ref}
//
// A leaf reads one value (source header: a header by name, case-insensitive; query: a query
// parameter, percent-decoded; payload: a JSON path, dotted or JSON pointer, see PayloadPath) and
// compares it: `value` for equality with the text (a non-string payload value compares as its
// JSON text, so `value: true` matches JSON true), `regex` for an RE2 partial match (anchor with ^
// and $ to match the whole). A leaf whose value is absent is false, so `not` over it is true.
//
// Rules are parsed once, at configuration time, with regexes compiled then; afterwards a rule is
// immutable and Matches may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/http/http_types.h"
#include "common/status.h"
#include "sources/webhook/request_values.h"

namespace vigil {

class TriggerRule {
 public:
  // Parses a rule tree (the YAML already converted to JSON). Errors name the key path under
  // `path`, e.g. `watchers[1].trigger.and[0].match.regex: invalid regex: missing ): (a`.
  static Result<TriggerRule> Parse(const nlohmann::json& j, const std::string& path);

  // True if the request, with its parsed payload, satisfies the rule.
  bool Matches(const HttpRequest& request, const nlohmann::json& payload) const;

  // Calls `visit` with the path of every payload leaf: all a rule reads of a payload.
  void ForEachPayloadPath(const std::function<void(const PayloadPath&)>& visit) const;

  struct Node;  // the tree; defined in trigger_rule.cpp

 private:
  explicit TriggerRule(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

}  // namespace vigil

#include "sources/webhook/trigger_rule.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "config/key_hint.h"
#include "sources/webhook/request_values.h"

namespace vigil {

struct TriggerRule::Node {
  enum class Kind { kAnd, kOr, kNot, kMatch };
  enum class Source { kHeader, kQuery, kPayload };

  Kind kind = Kind::kMatch;
  std::vector<Node> children;  // and/or: one or more; not: exactly one

  // kMatch only.
  Source source = Source::kHeader;
  std::string name;
  std::optional<PayloadPath> payload_path;
  std::optional<std::string> value;   // type value
  std::shared_ptr<const RE2> regex;   // type regex; RE2 is safe for concurrent const use
};

namespace {

using nlohmann::json;
using Node = TriggerRule::Node;

Status Error(const std::string& path, const std::string& message) {
  return Status::Error(path + ": " + message);
}

Result<Node> ParseNode(const json& j, const std::string& path);

Status CheckMatchKeys(const json& m, const std::string& path) {
  static const char* const kKeys[] = {"type", "value", "regex", "source", "name"};
  for (const auto& [key, unused] : m.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Error(path + "." + key, UnknownKeyMessage(key, {std::begin(kKeys), std::end(kKeys)}));
    }
  }
  return Status::Ok();
}

Result<std::string> RequiredString(const json& m, const std::string& path, const char* key) {
  auto it = m.find(key);
  if (it == m.end()) return Error(path + "." + key, "required");
  if (!it->is_string() || it->get<std::string>().empty()) {
    return Error(path + "." + key, "must be a non-empty string");
  }
  return it->get<std::string>();
}

Status ReadSource(const json& m, const std::string& path, Node& leaf) {
  Result<std::string> source = RequiredString(m, path, "source");
  if (!source.ok()) return source.status();
  Result<std::string> name = RequiredString(m, path, "name");
  if (!name.ok()) return name.status();
  leaf.name = *name;
  if (*source == "header") leaf.source = Node::Source::kHeader;
  else if (*source == "query") leaf.source = Node::Source::kQuery;
  else if (*source == "payload") leaf.source = Node::Source::kPayload;
  else return Error(path + ".source", "unknown source \"" + *source + "\" (expected header, query, payload)");
  if (leaf.source != Node::Source::kPayload) return Status::Ok();
  Result<PayloadPath> payload_path = PayloadPath::Parse(leaf.name);
  if (!payload_path.ok()) return Error(path + ".name", "invalid payload path: " + payload_path.error());
  leaf.payload_path = *payload_path;
  return Status::Ok();
}

Status ReadComparison(const json& m, const std::string& path, Node& leaf) {
  Result<std::string> type = RequiredString(m, path, "type");
  if (!type.ok()) return type.status();
  const char* used = *type == "value" ? "value" : "regex";
  const char* unused = *type == "value" ? "regex" : "value";
  if (*type != "value" && *type != "regex") {
    return Error(path + ".type", "unknown type \"" + *type + "\" (expected value, regex)");
  }
  if (m.contains(unused)) return Error(path + "." + unused, std::string("not used by type ") + used);
  if (*type == "value") {
    auto it = m.find("value");
    if (it == m.end()) return Error(path + ".value", "required");
    if (!it->is_primitive() || it->is_null()) return Error(path + ".value", "must be a string, number or boolean");
    leaf.value = JsonValueText(*it);
    return Status::Ok();
  }
  Result<std::string> pattern = RequiredString(m, path, "regex");
  if (!pattern.ok()) return pattern.status();
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_shared<const RE2>(*pattern, options);
  if (!regex->ok()) return Error(path + ".regex", "invalid regex: " + regex->error());
  leaf.regex = std::move(regex);
  return Status::Ok();
}

Result<Node> ParseMatch(const json& m, const std::string& path) {
  if (!m.is_object()) return Error(path, "must be a mapping");
  if (Status s = CheckMatchKeys(m, path); !s.ok()) return s;
  Node leaf;
  leaf.kind = Node::Kind::kMatch;
  if (Status s = ReadComparison(m, path, leaf); !s.ok()) return s;
  if (Status s = ReadSource(m, path, leaf); !s.ok()) return s;
  return leaf;
}

Result<Node> ParseList(const json& list, const std::string& path, Node::Kind kind) {
  if (!list.is_array() || list.empty()) return Error(path, "must be a non-empty list of rules");
  Node node;
  node.kind = kind;
  for (size_t i = 0; i < list.size(); ++i) {
    Result<Node> child = ParseNode(list[i], path + "[" + std::to_string(i) + "]");
    if (!child.ok()) return child.status();
    node.children.push_back(std::move(*child));
  }
  return node;
}

Result<Node> ParseNode(const json& j, const std::string& path) {
  if (!j.is_object() || j.size() != 1) {
    return Error(path, "a rule is a mapping with exactly one of and, or, not, match");
  }
  auto only = j.begin();
  const std::string& key = only.key();
  const json& body = only.value();
  if (key == "and") return ParseList(body, path + ".and", Node::Kind::kAnd);
  if (key == "or") return ParseList(body, path + ".or", Node::Kind::kOr);
  if (key == "match") return ParseMatch(body, path + ".match");
  if (key != "not") return Error(path + "." + key, "unknown rule (expected and, or, not, match)");
  Result<Node> inner = ParseNode(body, path + ".not");
  if (!inner.ok()) return inner.status();
  Node node;
  node.kind = Node::Kind::kNot;
  node.children.push_back(std::move(*inner));
  return node;
}

std::optional<std::string> LeafValue(const Node& leaf, const HttpRequest& request, const json& payload) {
  switch (leaf.source) {
    case Node::Source::kHeader: return HeaderValue(request, leaf.name);
    case Node::Source::kQuery: return QueryValue(request, leaf.name);
    case Node::Source::kPayload: return PayloadValue(payload, *leaf.payload_path);
  }
  return std::nullopt;
}

void VisitPayloadPaths(const Node& node, const std::function<void(const PayloadPath&)>& visit) {
  if (node.payload_path) visit(*node.payload_path);
  for (const Node& child : node.children) VisitPayloadPaths(child, visit);
}

bool Evaluate(const Node& node, const HttpRequest& request, const json& payload) {
  auto child_matches = [&](const Node& child) { return Evaluate(child, request, payload); };
  switch (node.kind) {
    case Node::Kind::kAnd: return std::all_of(node.children.begin(), node.children.end(), child_matches);
    case Node::Kind::kOr: return std::any_of(node.children.begin(), node.children.end(), child_matches);
    case Node::Kind::kNot: return !child_matches(node.children.front());
    case Node::Kind::kMatch: break;
  }
  std::optional<std::string> actual = LeafValue(node, request, payload);
  if (!actual) return false;
  if (node.value) return *actual == *node.value;
  return RE2::PartialMatch(*actual, *node.regex);
}

}  // namespace

Result<TriggerRule> TriggerRule::Parse(const json& j, const std::string& path) {
  Result<Node> root = ParseNode(j, path);
  if (!root.ok()) return root.status();
  return TriggerRule(std::make_shared<const Node>(std::move(*root)));
}

bool TriggerRule::Matches(const HttpRequest& request, const json& payload) const {
  return Evaluate(*root_, request, payload);
}

void TriggerRule::ForEachPayloadPath(const std::function<void(const PayloadPath&)>& visit) const {
  VisitPayloadPaths(*root_, visit);
}

}  // namespace vigil

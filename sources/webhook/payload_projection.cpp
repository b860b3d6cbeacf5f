#include "sources/webhook/payload_projection.h"

#include <simdjson.h>

#include "common/json_depth.h"

namespace vigil {
namespace {

using nlohmann::json;
using Node = PayloadProjection::Node;

// The whole value, typed as nlohmann's parser types it: a non-negative integer is unsigned.
json Copy(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::OBJECT: {
      json object = json::object();
      for (auto field : simdjson::dom::object(value)) object[std::string(field.key)] = Copy(field.value);
      return object;
    }
    case simdjson::dom::element_type::ARRAY: {
      json array = json::array();
      for (auto item : simdjson::dom::array(value)) array.push_back(Copy(item));
      return array;
    }
    case simdjson::dom::element_type::INT64: {
      int64_t n = int64_t(value);
      return n >= 0 ? json(static_cast<uint64_t>(n)) : json(n);
    }
    case simdjson::dom::element_type::UINT64: return json(uint64_t(value));
    case simdjson::dom::element_type::DOUBLE: return json(double(value));
    case simdjson::dom::element_type::STRING: return json(std::string(std::string_view(value)));
    case simdjson::dom::element_type::BOOL: return json(bool(value));
    case simdjson::dom::element_type::NULL_VALUE: return json(nullptr);
  }
  return json(nullptr);
}

// Array steps are decimal indexes; anything else indexes nothing.
std::optional<size_t> Index(const std::string& segment) {
  if (segment.empty() || segment.size() > 9 || segment.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoul(segment);
}

json Project(simdjson::dom::element value, const Node& node) {
  if (node.whole) return Copy(value);
  if (value.type() == simdjson::dom::element_type::OBJECT) {
    json object = json::object();
    // Every field is visited so that of a repeated key the last wins, as in a full parse.
    for (auto field : simdjson::dom::object(value)) {
      auto child = node.children.find(field.key);
      if (child != node.children.end()) object[std::string(field.key)] = Project(field.value, child->second);
    }
    return object;
  }
  if (value.type() == simdjson::dom::element_type::ARRAY) {
    simdjson::dom::array items(value);
    json array = json::array();
    for (size_t i = 0; i < items.size(); ++i) array.push_back(nullptr);
    for (const auto& [segment, child] : node.children) {
      auto index = Index(segment);
      if (index && *index < items.size()) array[*index] = Project(items.at(*index).value_unsafe(), child);
    }
    return array;
  }
  return Copy(value);
}

}  // namespace

void PayloadProjection::Add(const PayloadPath& path) {
  Node* node = &root_;
  for (const std::string& segment : path.segments()) node = &node->children[segment];
  node->whole = true;
}

std::optional<json> PayloadProjection::Parse(std::string_view body) const {
  if (!JsonDepthAllowed(body)) return std::nullopt;  // simdjson's own limit is 1024; ours is lower
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(root) == simdjson::SUCCESS)
    return Project(root, root_);
  auto parsed = ParseJsonOrDiscarded(body);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

}  // namespace vigil

// YamlTree: a YAML document as the config walk reads it (config/yaml_convert.h), built from
// yaml-cpp's parse events the way YAML::Load builds its nodes (same kinds, tags, marks, aliases
// shared, a map's pairs in the file's order, duplicates kept), at a fraction of the memory: a node
// is one record in a deque, not yaml-cpp's reference-counted graph (with a config of 10,000 feed
// watchers, YAML::Node's ~50 MB made most of the daemon's peak heap of 76 MB; 41 MB with this).
// A platform watcher row is walked as one too (config/row_walk.cpp builds it from the row's JSON).
//
// Immutable once built; a Node is a view that lives as long as its tree.
#pragma once

#include <yaml-cpp/mark.h>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace vigil {

class YamlTree {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kScalar, kSequence, kMap };

  class Node {
   public:
    bool IsDefined() const { return kind() != Kind::kUndefined; }
    bool IsNull() const { return kind() == Kind::kNull; }
    bool IsScalar() const { return kind() == Kind::kScalar; }
    bool IsSequence() const { return kind() == Kind::kSequence; }
    bool IsMap() const { return kind() == Kind::kMap; }
    // A scalar's text; "" for any other node.
    const std::string& Scalar() const;
    // As yaml-cpp gives it: "?" for a plain scalar, "!" for a quoted one, the resolved tag when
    // one is written ("tag:yaml.org,2002:str"), "" for a node built from JSON.
    const std::string& Tag() const;
    // Where the node starts (line and column from 0); null_mark() for a built or undefined node.
    YAML::Mark Mark() const;
    // A sequence's items, a map's pairs; 0 for any other node.
    size_t size() const;
    // A sequence's item; undefined past its end or on another kind.
    Node operator[](size_t i) const;
    // A map's value at the first pair whose key is the scalar `key`; undefined when none is.
    Node operator[](const std::string& key) const;
    // A map's i-th pair.
    Node key(size_t i) const;
    Node value(size_t i) const;

   private:
    friend class YamlTree;
    Node(const YamlTree* tree, uint32_t id) : tree_(tree), id_(id) {}
    Kind kind() const;
    const YamlTree* tree_;
    uint32_t id_;
  };

  // The first document of `text` (an empty text, a null root). Throws YAML::Exception for invalid
  // YAML as YAML::Load does, and YAML::ParserException for an alias to a node it is inside of.
  static YamlTree Parse(const std::string& text);

  // Building (a row's JSON): a node, then placed under a container (a map takes key, value).
  uint32_t Add(Kind kind, std::string scalar = "", const std::string& tag = "", YAML::Mark mark = YAML::Mark::null_mark());
  void Append(uint32_t container, uint32_t child);

  Node root() const { return Node(this, nodes_.empty() ? kNone : 0); }
  Node at(uint32_t id) const { return Node(this, id); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Data {
    Kind kind = Kind::kUndefined;
    uint32_t tag = 0;  // in tags_
    int32_t line = -1;
    int32_t column = -1;
    std::string scalar;
    std::vector<uint32_t> items;  // a map's keys and values alternate
  };
  friend class YamlTreeBuilder;
  const Data* data(uint32_t id) const { return id < nodes_.size() ? &nodes_[id] : nullptr; }

  std::deque<Data> nodes_;
  std::vector<std::string> tags_{""};
  std::unordered_map<std::string, uint32_t> tag_ids_{{"", 0}};
};

}  // namespace vigil

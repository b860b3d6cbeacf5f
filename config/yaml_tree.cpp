#include "config/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace vigil {

namespace {
const std::string kEmpty;
}  // namespace

YamlTree::Kind YamlTree::Node::kind() const {
  const Data* d = tree_->data(id_);
  return d == nullptr ? Kind::kUndefined : d->kind;
}

const std::string& YamlTree::Node::Scalar() const {
  const Data* d = tree_->data(id_);
  return d != nullptr && d->kind == Kind::kScalar ? d->scalar : kEmpty;
}

const std::string& YamlTree::Node::Tag() const {
  const Data* d = tree_->data(id_);
  return d == nullptr ? kEmpty : tree_->tags_[d->tag];
}

YAML::Mark YamlTree::Node::Mark() const {
  const Data* d = tree_->data(id_);
  YAML::Mark mark = YAML::Mark::null_mark();
  if (d != nullptr && d->line >= 0) {
    mark.pos = 0;
    mark.line = d->line;
    mark.column = d->column;
  }
  return mark;
}

size_t YamlTree::Node::size() const {
  const Data* d = tree_->data(id_);
  if (d == nullptr) return 0;
  if (d->kind == Kind::kSequence) return d->items.size();
  if (d->kind == Kind::kMap) return d->items.size() / 2;
  return 0;
}

YamlTree::Node YamlTree::Node::operator[](size_t i) const {
  const Data* d = tree_->data(id_);
  if (d == nullptr || d->kind != Kind::kSequence || i >= d->items.size()) return Node(tree_, kNone);
  return Node(tree_, d->items[i]);
}

YamlTree::Node YamlTree::Node::operator[](const std::string& key) const {
  for (size_t i = 0; i < size() && IsMap(); ++i) {
    Node k = this->key(i);
    if (k.IsScalar() && k.Scalar() == key) return value(i);
  }
  return Node(tree_, kNone);
}

YamlTree::Node YamlTree::Node::key(size_t i) const {
  const Data* d = tree_->data(id_);
  if (d == nullptr || d->kind != Kind::kMap || 2 * i + 1 >= d->items.size()) return Node(tree_, kNone);
  return Node(tree_, d->items[2 * i]);
}

YamlTree::Node YamlTree::Node::value(size_t i) const {
  const Data* d = tree_->data(id_);
  if (d == nullptr || d->kind != Kind::kMap || 2 * i + 1 >= d->items.size()) return Node(tree_, kNone);
  return Node(tree_, d->items[2 * i + 1]);
}

uint32_t YamlTree::Add(Kind kind, std::string scalar, const std::string& tag, YAML::Mark mark) {
  auto [t, added] = tag_ids_.try_emplace(tag, static_cast<uint32_t>(tags_.size()));
  if (added) tags_.push_back(tag);
  Data& d = nodes_.emplace_back();
  d.kind = kind;
  d.tag = t->second;
  d.line = mark.line;
  d.column = mark.column;
  d.scalar = std::move(scalar);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void YamlTree::Append(uint32_t container, uint32_t child) { nodes_[container].items.push_back(child); }

// The events of one document into a tree, as yaml-cpp's NodeBuilder makes its nodes.
class YamlTreeBuilder : public YAML::EventHandler {
 public:
  explicit YamlTreeBuilder(YamlTree* tree) : tree_(tree) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Place(tree_->Add(YamlTree::Kind::kNull, "", "", mark), anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    Place(tree_->Add(YamlTree::Kind::kScalar, value, tag, mark), anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // The anchor is known once its node is complete: an alias inside the node it names would make
    // a cycle (the budget check refuses those first; this keeps the tree finite regardless).
    auto it = anchored_.find(anchor);
    if (it == anchored_.end()) throw YAML::ParserException(mark, "an alias to a node it is inside of");
    Place(it->second, YAML::NullAnchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(tree_->Add(YamlTree::Kind::kSequence, "", tag, mark), anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(tree_->Add(YamlTree::Kind::kMap, "", tag, mark), anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Open_ {
    uint32_t id;
    YAML::anchor_t anchor;
  };
  void Place(uint32_t id, YAML::anchor_t anchor) {
    if (!open_.empty()) tree_->Append(open_.back().id, id);
    if (anchor != YAML::NullAnchor) anchored_[anchor] = id;
  }
  void Open(uint32_t id, YAML::anchor_t anchor) {
    if (!open_.empty()) tree_->Append(open_.back().id, id);
    open_.push_back({id, anchor});
  }
  void Close() {
    Open_ done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) anchored_[done.anchor] = done.id;
  }

  YamlTree* tree_;
  std::vector<Open_> open_;
  std::map<YAML::anchor_t, uint32_t> anchored_;
};

YamlTree YamlTree::Parse(const std::string& text) {
  YamlTree tree;
  std::istringstream in(text);
  YAML::Parser parser(in);
  YamlTreeBuilder builder(&tree);
  parser.HandleNextDocument(builder);
  return tree;
}

}  // namespace vigil

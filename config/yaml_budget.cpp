#include "config/yaml_budget.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace vigil {
namespace {

// What a node becomes once expanded: its nodes, its scalar bytes and its height in levels.
struct Extent {
  uint64_t nodes = 0;
  uint64_t bytes = 0;
  int height = 0;
};

struct Refused {
  YamlBudgetError error;
};

// The running totals of the document as expanded so far. An open container remembers the totals
// at its start, so at its end the difference is its own extent, kept if it has an anchor.
class BudgetCounter : public YAML::EventHandler {
 public:
  explicit BudgetCounter(const YamlLimits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor, 0); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    Leaf(mark, anchor, value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchored_.find(anchor);
    if (it == anchored_.end()) Refuse(mark, "an alias to the node that contains it (a cycle) cannot be expanded");
    Add(mark, it->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct OpenNode {
    YAML::anchor_t anchor;
    uint64_t nodes_before;
    uint64_t bytes_before;
    int child_height = 0;
  };

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, uint64_t bytes) {
    Extent e{1, bytes, 1};
    Add(mark, e);
    if (anchor != YAML::NullAnchor) anchored_[anchor] = e;
  }

  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(open_.size()) + 1 > limits_.max_depth) RefuseDepth(mark);
    open_.push_back({anchor, nodes_, bytes_});
    Count(mark, 1, 0);
  }

  void Close() {
    OpenNode done = open_.back();
    open_.pop_back();
    Extent e{nodes_ - done.nodes_before, bytes_ - done.bytes_before, done.child_height + 1};
    if (done.anchor != YAML::NullAnchor) anchored_[done.anchor] = e;
    NoteHeight(e.height);
  }

  // A finished node (a leaf, or an alias's copy of its anchor) placed under the open container.
  void Add(const YAML::Mark& mark, const Extent& e) {
    if (static_cast<int>(open_.size()) + e.height > limits_.max_depth) RefuseDepth(mark);
    Count(mark, e.nodes, e.bytes);
    NoteHeight(e.height);
  }

  void NoteHeight(int height) {
    if (!open_.empty()) open_.back().child_height = std::max(open_.back().child_height, height);
  }

  void Count(const YAML::Mark& mark, uint64_t nodes, uint64_t bytes) {
    nodes_ += nodes;
    bytes_ += bytes;
    if (nodes_ > limits_.max_nodes)
      Refuse(mark, "the document expands (aliases included) past " + std::to_string(limits_.max_nodes) + " nodes");
    if (bytes_ > limits_.max_scalar_bytes)
      Refuse(mark, "the document expands (aliases included) past " + std::to_string(limits_.max_scalar_bytes) +
                       " bytes of text");
  }

  [[noreturn]] void RefuseDepth(const YAML::Mark& mark) {
    Refuse(mark, "maps and lists nest (aliases included) deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  [[noreturn]] static void Refuse(const YAML::Mark& mark, std::string message) {
    throw Refused{{mark, std::move(message)}};
  }

  const YamlLimits& limits_;
  std::vector<OpenNode> open_;
  std::map<YAML::anchor_t, Extent> anchored_;
  uint64_t nodes_ = 0;  // counts cannot overflow: each step adds at most one limit's worth
  uint64_t bytes_ = 0;
};

}  // namespace

std::optional<YamlBudgetError> CheckYamlBudget(const std::string& yaml, const YamlLimits& limits) {
  std::istringstream in(yaml);
  BudgetCounter counter(limits);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(counter);
  } catch (const Refused& r) {
    return r.error;
  } catch (const YAML::Exception& e) {
    return YamlBudgetError{e.mark, "invalid YAML: " + e.msg, true};
  }
  return std::nullopt;
}

}  // namespace vigil

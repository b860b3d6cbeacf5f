#include "jobs/maintenance/embedding_batches.h"

#include "common/utf8_cut.h"

namespace vigil {

size_t EstimateTokens(std::string_view text) { return (text.size() + 3) / 4; }

std::string TruncateToTokens(std::string_view text, size_t max_tokens) {
  return std::string(CutUtf8(text, max_tokens * 4));
}

std::vector<BatchRange> PlanBatches(const std::vector<size_t>& token_counts, size_t max_items, size_t max_tokens) {
  std::vector<BatchRange> out;
  BatchRange current;
  size_t tokens = 0;
  for (size_t i = 0; i < token_counts.size(); ++i) {
    size_t items = i - current.begin;
    bool full = items > 0 && (items >= max_items || tokens + token_counts[i] > max_tokens);
    if (full) {
      current.end = i;
      out.push_back(current);
      current.begin = i;
      tokens = 0;
    }
    tokens += token_counts[i];
  }
  if (current.begin < token_counts.size()) out.push_back({current.begin, token_counts.size()});
  return out;
}

size_t PageLedger::Open(std::string last_id, size_t batches) {
  pages_.push_back({std::move(last_id), batches});
  return first_ + pages_.size() - 1;
}

void PageLedger::Split(size_t page) { ++pages_.at(page - first_).open_batches; }

void PageLedger::Done(size_t page) { --pages_.at(page - first_).open_batches; }

std::vector<std::string> PageLedger::TakeFinished() {
  std::vector<std::string> out;
  while (!pages_.empty() && pages_.front().open_batches == 0) {
    out.push_back(std::move(pages_.front().last_id));
    pages_.pop_front();
    ++first_;
  }
  return out;
}

}  // namespace vigil

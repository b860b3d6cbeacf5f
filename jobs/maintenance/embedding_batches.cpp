#include "jobs/maintenance/embedding_batches.h"

#include <algorithm>
#include <cmath>

#include "common/utf8_cut.h"

namespace vigil {

size_t EstimateTokens(std::string_view text) { return (text.size() + 3) / 4; }

std::string TruncateToTokens(std::string_view text, size_t max_tokens) {
  return std::string(CutUtf8(text, max_tokens * 4));
}

std::vector<std::string> ChunkText(std::string_view text, size_t chunk_tokens, size_t overlap_tokens, size_t max_chunks,
                                   size_t* covered) {
  *covered = 0;
  size_t size = std::max<size_t>(chunk_tokens, 1) * 4;
  size_t overlap = std::min(overlap_tokens * 4, size / 2);
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    if (out.size() == max_chunks) break;
    std::string_view rest = text.substr(start);
    size_t len = Utf8PrefixLength(rest, size);
    if (len == 0) len = 1;  // cannot happen with a budget of 4 bytes or more: kept for safety
    if (len < rest.size()) {
      // End after the last space or newline in the chunk's last eighth, if there is one.
      size_t space = rest.find_last_of(" \n\t", len - 1);
      if (space != std::string_view::npos && space + 1 + size / 8 > len && space + 1 > overlap) len = space + 1;
    }
    out.emplace_back(rest.substr(0, len));
    *covered = start + len;
    if (len == rest.size()) break;
    size_t back = std::min(overlap, len - 1);
    size_t next = start + Utf8PrefixLength(rest, len - back);  // on a character boundary
    if (next <= start) next = start + len;
    start = next;
  }
  return out;
}

std::vector<float> NormalisedMean(const std::vector<std::vector<float>>& vectors) {
  if (vectors.empty()) return {};
  std::vector<double> sum(vectors[0].size(), 0.0);
  for (const auto& v : vectors) {
    for (size_t i = 0; i < sum.size() && i < v.size(); ++i) sum[i] += v[i];
  }
  double norm = 0;
  for (double x : sum) norm += x * x;
  norm = std::sqrt(norm);
  std::vector<float> out(sum.size());
  for (size_t i = 0; i < sum.size(); ++i) out[i] = norm > 0 ? static_cast<float>(sum[i] / norm) : 0.0f;
  return out;
}

std::vector<BatchRange> PlanBatches(const std::vector<size_t>& token_counts, size_t max_items, size_t max_tokens) {
  return PlanBatches(token_counts, std::vector<size_t>(token_counts.size(), 1), max_items, max_tokens);
}

std::vector<BatchRange> PlanBatches(const std::vector<size_t>& token_counts, const std::vector<size_t>& item_counts,
                                    size_t max_items, size_t max_tokens) {
  std::vector<BatchRange> out;
  BatchRange current;
  size_t tokens = 0, items = 0;
  for (size_t i = 0; i < token_counts.size(); ++i) {
    bool full = i > current.begin && (items + item_counts[i] > max_items || tokens + token_counts[i] > max_tokens);
    if (full) {
      current.end = i;
      out.push_back(current);
      current.begin = i;
      tokens = 0;
      items = 0;
    }
    tokens += token_counts[i];
    items += item_counts[i];
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

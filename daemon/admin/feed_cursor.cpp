#include "daemon/admin/feed_cursor.h"

namespace vigil {

bool FeedGaps::PassOver(int64_t seq, Clock::time_point now) {
  auto [it, fresh] = first_missing_.emplace(seq, now);
  return !fresh && now - it->second >= wait_;
}

void FeedGaps::ForgetThrough(int64_t seq) { first_missing_.erase(first_missing_.begin(), first_missing_.upper_bound(seq)); }

std::vector<size_t> Deliverable(int64_t* cursor, const std::vector<int64_t>& seqs, FeedGaps& gaps,
                                FeedGaps::Clock::time_point now) {
  std::vector<size_t> out;
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (seqs[i] <= *cursor) continue;
    // A run of missing numbers waits as one: its first number stands for it.
    if (seqs[i] != *cursor + 1 && !gaps.PassOver(*cursor + 1, now)) break;
    out.push_back(i);
    *cursor = seqs[i];
  }
  return out;
}

}  // namespace vigil

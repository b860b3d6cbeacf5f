// Where each live stream stands in the change feed (store/change_feed_repo.h), and which of a batch
// of changes it may be sent now. Pure logic; the StreamHub runs it on the loop thread.
//
// Numbers of the feed are taken before their transaction commits (a PostgreSQL sequence), so with
// several writers number 11 can be visible while 10 is not yet: a stream that took 11 and moved on
// would never see 10. So a stream stops at a missing number and waits for it; a number missing for
// longer than FeedGaps' wait belongs to a transaction that rolled back (or a pruned row) and is
// passed over. A stream's position only moves forward, so a client resuming from the last id it
// got misses nothing and gets nothing twice.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

namespace vigil {

class FeedGaps {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FeedGaps(std::chrono::milliseconds wait) : wait_(wait) {}

  // True when `seq` has been seen missing for at least the wait (its first sighting is now when
  // it was not seen missing before).
  bool PassOver(int64_t seq, Clock::time_point now);
  // Forgets the gaps at or below `seq` (every stream is past them).
  void ForgetThrough(int64_t seq);
  size_t size() const { return first_missing_.size(); }

 private:
  std::chrono::milliseconds wait_;
  std::map<int64_t, Clock::time_point> first_missing_;
};

// The positions in `seqs` (the ascending numbers of one batch read from the feed; those at or below
// `*cursor` are skipped) that a stream at `*cursor` gets now, in order: each next number, or the next present one once the
// missing ones before it may be passed over. Advances `*cursor` past what it returns.
std::vector<size_t> Deliverable(int64_t* cursor, const std::vector<int64_t>& seqs, FeedGaps& gaps,
                                FeedGaps::Clock::time_point now);

}  // namespace vigil

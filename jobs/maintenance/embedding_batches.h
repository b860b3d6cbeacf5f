// Splitting texts into provider requests that respect both an item cap and a token cap.
// Tokens are estimated, not counted: one token per 4 bytes of UTF-8, rounded up (the usual rule
// of thumb for English with BPE tokenizers; a cap set with some headroom absorbs the error).
//
// Threads: pure functions and a plain value type; any thread (PageLedger: one at a time).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

size_t EstimateTokens(std::string_view text);

// `text` cut to at most `max_tokens` estimated tokens, on a UTF-8 character boundary.
std::string TruncateToTokens(std::string_view text, size_t max_tokens);

// `text` as chunks of at most `chunk_tokens` estimated tokens, each repeating the last
// `overlap_tokens` of the one before; a chunk ends after a space or newline where one is near its
// end, and always on a UTF-8 character boundary. At most `max_chunks` chunks: the rest of a longer
// text is left out. `*covered` is set to the bytes of `text` the chunks cover (text.size() unless
// cut). A text that fits is one chunk, itself.
std::vector<std::string> ChunkText(std::string_view text, size_t chunk_tokens, size_t overlap_tokens, size_t max_chunks,
                                   size_t* covered);

// The mean of `vectors` scaled to unit length (a zero mean stays zero).
std::vector<float> NormalisedMean(const std::vector<std::vector<float>>& vectors);

// Consecutive runs [begin, end) of `token_counts`: each holds at most `max_items` entries and at
// most `max_tokens` tokens, except that a single entry larger than `max_tokens` is a run alone.
struct BatchRange {
  size_t begin = 0;
  size_t end = 0;
};
std::vector<BatchRange> PlanBatches(const std::vector<size_t>& token_counts, size_t max_items, size_t max_tokens);
// The same where entry i counts as item_counts[i] items (a text sent as several chunks).
std::vector<BatchRange> PlanBatches(const std::vector<size_t>& token_counts, const std::vector<size_t>& item_counts,
                                    size_t max_items, size_t max_tokens);

// Which source pages are finished, so the resume cursor never passes a row that is not written
// yet. Batches of several pages may be in the pipeline at once (one being sent, one being
// written, the next page read ahead); a page is finished when each of its batches is written or
// its refused row recorded, and its cursor may be saved once every earlier page is finished too.
class PageLedger {
 public:
  // A page just read, ending at `last_id`, that was cut into `batches` batches (0: nothing to
  // embed). Returns the page's number for Split and Done.
  size_t Open(std::string last_id, size_t batches);
  // One batch of `page` was halved: it now has one more.
  void Split(size_t page);
  // One batch of `page` is written, or its refused row recorded.
  void Done(size_t page);
  // The last ids of the pages finished since the last call, oldest first (each page once).
  std::vector<std::string> TakeFinished();

 private:
  struct Page {
    std::string last_id;
    size_t open_batches = 0;
  };
  std::deque<Page> pages_;  // not yet taken, oldest first
  size_t first_ = 0;        // number of pages_.front()
};

}  // namespace vigil

#include "jobs/maintenance/embedding_target_pass.h"

#include <spdlog/spdlog.h>

#include <deque>

#include "common/metrics.h"
#include "jobs/maintenance/embedding_batches.h"
#include "jobs/maintenance/embedding_request_thread.h"

namespace vigil {
namespace {

using Seconds = std::chrono::duration<double>;

// Times a section into one of the summary's buckets.
class Stopwatch {
 public:
  explicit Stopwatch(double* bucket) : bucket_(bucket), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() { *bucket_ += Seconds(std::chrono::steady_clock::now() - start_).count(); }

 private:
  double* bucket_;
  std::chrono::steady_clock::time_point start_;
};

// A batch of one page's rows on its way through the pass.
struct QueuedBatch {
  std::vector<SourceRow> rows;
  size_t page = 0;  // its number in the PageLedger
};

// One target's pass; returns false when the run must stop (error, long pause, cancel).
//
// Pipelined, so vigil's work hides behind the provider's: as soon as batch N's answer is back,
// batch N+1 goes to the request thread (embedding_request_thread.h), and while it is in flight
// this thread decodes and writes batch N and reads the next page if the queue ran dry. At most
// one batch is in flight, one answered batch is being written and one page is queued, so memory
// stays bounded. Each batch is still written in one transaction, and a page's cursor is saved
// only once all its batches and every earlier page's are written (PageLedger), so a killed pass
// loses nothing when it resumes (at most the two batches answered but not written are sent
// again).
class TargetPass {
 public:
  // A reconcile pass (`by_mark` false) starts at the saved cursor; a pass by watermark past `mark`.
  TargetPass(const EmbeddingBackfillConfig& config, EmbeddingTargetStore& store, EmbeddingProvider& provider,
             const BackfillRun& run, BackfillSummary& summary, TargetBackfillSummary& target, bool by_mark,
             std::optional<WatermarkPosition> mark)
      : config_(config), store_(store), provider_(provider), run_(run), summary_(summary), target_(target), by_mark_(by_mark),
        mark_(std::move(mark)) {}

  bool Run() {
    if (!by_mark_) {
      auto cursor = store_.LoadCursor();
      if (!cursor.ok()) return Stop(cursor.error());
      after_ = *cursor;
    }
    EmbeddingRequestThread requests(provider_, run_.cancel);
    if (!FillQueue()) return false;
    SendNext(requests);
    // `requests` waits for a batch still in flight when this returns early; its answer is dropped.
    while (in_flight_) {
      TimedEmbedAnswer answer = requests.Wait();
      QueuedBatch batch = std::move(*in_flight_);
      in_flight_.reset();
      if (Cancelling()) return Handle(std::move(batch), std::move(answer)) && WriteAnswered() && Cancelled();
      if (!FillQueue()) return false;  // the queue is normally full already (read below)
      SendNext(requests);              // batch N+1 leaves before batch N is decoded and written
      if (!Handle(std::move(batch), std::move(answer)) || !WriteAnswered() || !FillQueue()) return false;
      if (!in_flight_) SendNext(requests);  // a refused batch was split, or the last one is back
    }
    if (!at_end_) return Cancelled();  // FillQueue stopped reading
    if (!by_mark_) {
      Status cleared = store_.ClearCursor();
      if (!cleared.ok()) return Stop(cleared.message());
    }
    target_.complete = true;
    if (run_.on_progress) run_.on_progress(target_);
    return true;
  }

 private:
  bool Cancelling() const { return run_.cancel && run_.cancel->cancelled(); }

  // Hands the next queued batch to the request thread, if there is one and no cancel.
  void SendNext(EmbeddingRequestThread& requests) {
    if (queue_.empty() || Cancelling()) return;
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    requests.Start(Texts(in_flight_->rows));
  }

  static std::vector<std::string> Texts(const std::vector<SourceRow>& rows) {
    std::vector<std::string> texts;
    texts.reserve(rows.size());
    for (const auto& row : rows) texts.insert(texts.end(), row.chunks.begin(), row.chunks.end());
    return texts;
  }

  // Reads pages until a batch is queued or the table ends; pages with nothing to embed only
  // move the cursor (once the pages before them are finished).
  bool FillQueue() {
    while (queue_.empty() && !at_end_) {
      if (Cancelling()) return true;  // Run sees it
      Result<SourcePage> page = ReadPage(after_);
      if (!page.ok()) return Stop(page.error());
      if (page->scanned == 0) {
        at_end_ = true;
        break;
      }
      target_.scanned += static_cast<int64_t>(page->scanned);
      target_.blocked += static_cast<int64_t>(page->blocked);
      target_.changed += static_cast<int64_t>(page->changed);
      target_.adopted += static_cast<int64_t>(page->adopted);
      after_ = page->last_id;
      mark_ = WatermarkPosition{page->last_mark, page->last_id};
      QueuePage(std::move(*page));
      if (!SaveFinishedPages()) return false;
    }
    return true;
  }

  Result<SourcePage> ReadPage(const std::string& after) {
    Stopwatch watch(&summary_.read_seconds);
    return by_mark_ ? store_.NextPageByMark(mark_, config_.page_size) : store_.NextPage(after, config_.page_size);
  }

  // A page's place for the PageLedger: its last id, or its last (watermark, id) as JSON.
  std::string LedgerKey(const SourcePage& page) const {
    return by_mark_ ? nlohmann::json::array({page.last_mark, page.last_id}).dump() : page.last_id;
  }

  void QueuePage(SourcePage page) {
    const auto& p = config_.provider;
    // A row's chunks go in one request, so a row is at most as many chunks as a request holds.
    size_t max_chunks = std::min({static_cast<size_t>(config_.max_chunks), static_cast<size_t>(p.batch_size),
                                  std::max<size_t>(1, static_cast<size_t>(p.max_batch_tokens) / config_.ChunkTokens())});
    std::vector<size_t> tokens, items;
    tokens.reserve(page.pending.size());
    for (auto& row : page.pending) {
      size_t covered = 0;
      row.chunks = ChunkText(row.text, config_.ChunkTokens(), static_cast<size_t>(config_.chunk_overlap), max_chunks,
                             &covered);
      if (row.chunks.size() > 1) ++target_.chunked;
      if (covered < row.text.size()) {
        ++target_.cut;
        row.text.resize(covered);  // the text the vector stands for
      }
      size_t t = 0;
      for (const auto& chunk : row.chunks) t += EstimateTokens(chunk);
      tokens.push_back(t);
      items.push_back(row.chunks.size());
    }
    auto ranges = PlanBatches(tokens, items, static_cast<size_t>(p.batch_size), static_cast<size_t>(p.max_batch_tokens));
    size_t number = ledger_.Open(LedgerKey(page), ranges.size());
    for (const auto& range : ranges) {
      auto first = std::make_move_iterator(page.pending.begin() + static_cast<long>(range.begin));
      auto last = std::make_move_iterator(page.pending.begin() + static_cast<long>(range.end));
      queue_.push_back({std::vector<SourceRow>(first, last), number});
    }
  }

  // What came back for `batch`, decoded here: vectors wait to be written; a refused batch is
  // halved (the halves go first in the queue) until the refused row is alone, and that row is
  // recorded.
  bool Handle(QueuedBatch batch, TimedEmbedAnswer answer) {
    // The request thread's time, less building the request, is the provider's (and the wire's).
    summary_.provider_seconds += answer.seconds - answer.answer.outcome.codec_seconds;
    EmbedOutcome outcome = provider_.Decode(std::move(answer.answer));
    summary_.codec_seconds += outcome.codec_seconds;
    ++summary_.requests;
    Metrics::Global().Inc("vigil_embedding_requests_total", {{"target", target_.target}, {"result", outcome.ok() ? "ok" : "error"}});
    if (outcome.ok()) {
      answered_.emplace(std::move(batch), std::move(outcome.vectors));
      return true;
    }
    if (outcome.retry_after) {
      summary_.retry_after = outcome.retry_after;
      return Stop("the provider asked to wait " + std::to_string(outcome.retry_after->count()) + "s");
    }
    if (Cancelling()) return Cancelled();
    if (!outcome.refused_inputs()) return Stop(outcome.error);
    if (batch.rows.size() == 1) return Refused(batch, outcome.error);
    size_t half = batch.rows.size() / 2;
    ledger_.Split(batch.page);
    auto middle = batch.rows.begin() + static_cast<long>(half);
    queue_.push_front({std::vector<SourceRow>(std::make_move_iterator(middle), std::make_move_iterator(batch.rows.end())), batch.page});
    batch.rows.erase(middle, batch.rows.end());
    queue_.push_front(std::move(batch));
    return true;
  }

  // Writes the batch answered last, if any, in one transaction.
  bool WriteAnswered() {
    if (!answered_) return true;
    auto [batch, vectors] = std::move(*answered_);
    answered_.reset();
    {
      Stopwatch watch(&summary_.write_seconds);
      // The answer holds each row's chunks in order: one vector per row (their normalised mean
      // when there are several), or one per chunk for a destination with a row per chunk.
      std::vector<std::vector<Vector>> per_row;
      per_row.reserve(batch.rows.size());
      size_t at = 0;
      for (const auto& row : batch.rows) {
        std::vector<Vector> mine(std::make_move_iterator(vectors.begin() + static_cast<long>(at)),
                                 std::make_move_iterator(vectors.begin() + static_cast<long>(at + row.chunks.size())));
        at += row.chunks.size();
        if (mine.size() > 1 && !store_.target().destination.row_per_chunk) mine = {NormalisedMean(mine)};
        per_row.push_back(std::move(mine));
      }
      Status s = store_.WriteBatch(batch.rows, per_row, run_.clock->Now());
      if (!s.ok()) return Stop(s.message());
    }
    target_.embedded += static_cast<int64_t>(batch.rows.size());
    Metrics::Global().Inc("vigil_embedding_rows_total", {{"target", target_.target}, {"result", "embedded"}}, double(batch.rows.size()));
    ledger_.Done(batch.page);
    return SaveFinishedPages();
  }

  bool Refused(const QueuedBatch& batch, const std::string& error) {
    const SourceRow& row = batch.rows[0];
    spdlog::warn("embedding_backfill {}: row {} refused: {}", target_.target, row.id_text, error);
    Status s = store_.RecordFailure(row, error, run_.clock->Now());
    if (!s.ok()) return Stop(s.message());
    ++target_.failed;
    Metrics::Global().Inc("vigil_embedding_rows_total", {{"target", target_.target}, {"result", "failed"}});
    ledger_.Done(batch.page);
    return SaveFinishedPages();
  }

  // Moves the cursor past every page now finished (PageLedger).
  bool SaveFinishedPages() {
    for (const std::string& key : ledger_.TakeFinished()) {
      Status saved = by_mark_ ? SaveMark(key) : store_.SaveCursor(key, run_.clock->Now());
      if (!saved.ok()) return Stop(saved.message());
      if (run_.on_progress) run_.on_progress(target_);
    }
    return true;
  }

  Status SaveMark(const std::string& key) {
    auto pair = nlohmann::json::parse(key);
    return store_.SaveMark({pair[0].get<std::string>(), pair[1].get<std::string>()}, run_.clock->Now());
  }

  bool Stop(const std::string& error) {
    summary_.error = target_.target + ": " + error;
    return false;
  }
  bool Cancelled() {
    summary_.cancelled = true;
    return false;
  }

  const EmbeddingBackfillConfig& config_;
  EmbeddingTargetStore& store_;
  EmbeddingProvider& provider_;
  const BackfillRun& run_;
  BackfillSummary& summary_;
  TargetBackfillSummary& target_;
  bool by_mark_;                      // a pass past the watermark (else a reconcile pass by id)
  std::optional<WatermarkPosition> mark_;  // by_mark_: the last position read
  std::string after_;                 // the last id read
  bool at_end_ = false;               // the last page has been read
  std::deque<QueuedBatch> queue_;     // batches read and not yet sent, in order
  std::optional<QueuedBatch> in_flight_;  // the batch at the request thread
  std::optional<std::pair<QueuedBatch, std::vector<Vector>>> answered_;  // answered, not yet written
  PageLedger ledger_;
};

}  // namespace

bool RunTargetPass(const EmbeddingBackfillConfig& config, EmbeddingTargetStore& store, EmbeddingProvider& provider,
                   const BackfillRun& run, BackfillSummary& summary, TargetBackfillSummary& target, bool by_mark,
                   std::optional<WatermarkPosition> mark) {
  return TargetPass(config, store, provider, run, summary, target, by_mark, std::move(mark)).Run();
}

}  // namespace vigil

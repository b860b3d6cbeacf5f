#include "daemon/admin/stream_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <utility>

#include "daemon/admin/sse_frames.h"
#include "store/change_feed_repo.h"

namespace vigil {
namespace {

void StartRepeating(uv_timer_t* timer, std::chrono::milliseconds every, uv_timer_cb cb) {
  auto ms = static_cast<uint64_t>(std::max<int64_t>(every.count(), 1));
  uv_timer_start(timer, cb, ms, ms);
}

}  // namespace

StreamHub::StreamHub(uv_loop_t* loop, DbThread& feed_db, LoopPoster& poster, StreamHubOptions options)
    : loop_(loop), feed_db_(feed_db), poster_(poster), options_(options), gaps_(options.gap_wait) {
  uv_timer_init(loop_, &poll_timer_);
  uv_timer_init(loop_, &keepalive_timer_);
  poll_timer_.data = this;
  keepalive_timer_.data = this;
}

ApiRoute StreamHub::Route() {
  ApiRoute route;
  route.method = "GET";
  route.pattern = "/api/v1/stream";
  route.on_loop = [this](const HttpRequest& req, Responder respond) { Open(req, std::move(respond)); };
  return route;
}

void StreamHub::Open(const HttpRequest& req, Responder respond) {
  if (closed_) return respond(ApiError(503, "the daemon is stopping"));
  if (open_ >= options_.max_streams) {
    auto res = ApiError(503, "too many live streams (at most " + std::to_string(options_.max_streams) + ")");
    res.headers.emplace_back("Retry-After", "5");
    return respond(std::move(res));
  }
  auto resume = StreamResumeFrom(req);
  if (!resume.ok()) return respond(ApiError(400, resume.error()));
  auto sub = std::make_shared<Subscriber>();
  sub->cursor = resume->value_or(-1);
  if (req.Header("Authorization") == nullptr) sub->recheck_at = std::chrono::steady_clock::now() + options_.session_recheck_every;
  subs_.push_back(sub);
  ++open_;
  HttpResponse res;
  res.headers = {{"Content-Type", "text/event-stream; charset=utf-8"}, {"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}};
  res.stream = std::make_shared<HttpStreamHandlers>();
  res.stream->on_open = [this, sub](std::shared_ptr<HttpStream> stream) {
    sub->stream = std::move(stream);
    // A stream without a cursor is placed at the feed's end by the next read; its first block
    // waits for that, so a client that has read it knows every change after it will come.
    if (sub->cursor >= 0 && !Announce(*sub)) return;
    if (timers_running_) Poll();
    else StartTimers();
  };
  res.stream->on_close = [this, sub] { OnClosed(sub); };
  respond(std::move(res));
}

void StreamHub::OnClosed(const std::shared_ptr<Subscriber>& sub) {
  if (!sub->open) return;
  sub->open = false;
  sub->stream = nullptr;
  --open_;
  std::erase(subs_, sub);
  if (open_ == 0) StopTimers();
}

void StreamHub::StartTimers() {
  if (timers_running_ || closed_) return;
  timers_running_ = true;
  StartRepeating(&poll_timer_, options_.poll_every, [](uv_timer_t* t) {
    auto* hub = static_cast<StreamHub*>(t->data);
    hub->EndSessionStreamsDue();
    hub->Poll();
  });
  StartRepeating(&keepalive_timer_, options_.keepalive_every,
                 [](uv_timer_t* t) { static_cast<StreamHub*>(t->data)->Keepalive(); });
  Poll();  // a new stream is placed at the feed's end at once
}

void StreamHub::StopTimers() {
  timers_running_ = false;
  uv_timer_stop(&poll_timer_);
  uv_timer_stop(&keepalive_timer_);
}

void StreamHub::Poll() {
  if (poll_in_flight_ || closed_ || subs_.empty()) return;
  int64_t low = INT64_MAX, high = -1;
  for (const auto& sub : subs_) {
    if (sub->cursor < 0) continue;
    low = std::min(low, sub->cursor);
    high = std::max(high, sub->cursor);
  }
  poll_in_flight_ = true;
  feed_db_.Submit([this, low, high](SqlConnection* db) {
    Batch batch = db != nullptr ? ReadBatch(*db, low, high) : Batch{};
    poster_.Post([this, batch = std::move(batch)] {
      poll_in_flight_ = false;
      if (!closed_) Deliver(batch);
    });
  });
}

// On the feed's DbThread. Reads from the lowest position; when that read is full and a stream
// stands past it, also from the highest, so one stream catching up does not hold the others back.
StreamHub::Batch StreamHub::ReadBatch(SqlConnection& db, int64_t low, int64_t high) const {
  Batch batch;
  auto latest = LatestChangeSeq(db);
  if (!latest.ok()) return batch;
  batch.latest = *latest;
  low = std::min(low, *latest);
  auto changes = ReadChanges(db, low, options_.batch);
  if (!changes.ok()) return batch;
  if (static_cast<int>(changes->size()) == options_.batch && high > changes->back().seq) {
    auto more = ReadChanges(db, high, options_.batch);
    if (!more.ok()) return batch;
    changes->insert(changes->end(), more->begin(), more->end());
  }
  std::set<std::pair<std::string, std::string>> later;  // things changed again further on
  batch.frames.resize(changes->size());
  for (size_t i = changes->size(); i-- > 0;) {
    const Change& c = (*changes)[i];
    if (!later.insert({c.topic, c.ref}).second) continue;
    auto item = ChangedItem(db, c);
    if (!item.ok()) {
      spdlog::warn("live stream: reading {} {}: {}", c.topic, c.ref, item.error());
      return Batch{};
    }
    if (*item) batch.frames[i] = SseFrame(c.seq, c.topic, (*item)->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  for (const auto& c : *changes) batch.seqs.push_back(c.seq);
  batch.ok = true;
  return batch;
}

void StreamHub::Deliver(const Batch& batch) {
  if (!batch.ok) return;  // the database is away: the next poll asks again
  auto now = FeedGaps::Clock::now();
  int64_t lowest = INT64_MAX;
  auto subs = subs_;  // a write may close a stream, which leaves subs_
  for (const auto& sub : subs) {
    if (!sub->open || !sub->stream) continue;
    // A new stream starts at the feed's end; one resuming past it (an id from another database,
    // or pruned) is placed there too, so it does not wait for numbers that may never come.
    if (sub->cursor < 0 || sub->cursor > batch.latest) sub->cursor = batch.latest;
    if (!sub->announced && !Announce(*sub)) continue;
    for (size_t i : Deliverable(&sub->cursor, batch.seqs, gaps_, now)) {
      if (!batch.frames[i].empty() && !sub->stream->Write(batch.frames[i])) break;
    }
    lowest = std::min(lowest, sub->cursor);
  }
  if (lowest != INT64_MAX) gaps_.ForgetThrough(lowest);
}

bool StreamHub::Announce(Subscriber& sub) {
  sub.announced = true;
  return sub.stream->Write(SseRetry(options_.retry_ms));
}

void StreamHub::Keepalive() {
  static const std::string kKeepalive = SseComment("keepalive");
  auto subs = subs_;
  for (const auto& sub : subs) {
    if (sub->stream) sub->stream->Write(kKeepalive);
  }
}

void StreamHub::EndSessionStreamsDue() {
  auto now = std::chrono::steady_clock::now();
  auto subs = subs_;
  for (const auto& sub : subs) {
    if (sub->stream && sub->recheck_at && now >= *sub->recheck_at) sub->stream->End();
  }
}

void StreamHub::EndAll() {
  auto subs = subs_;
  for (const auto& sub : subs) {
    if (sub->stream) sub->stream->End();
  }
}

void StreamHub::Close() {
  if (closed_) return;
  closed_ = true;
  EndAll();
  StopTimers();
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&keepalive_timer_), nullptr);
}

}  // namespace vigil

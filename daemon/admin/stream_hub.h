// StreamHub: the live stream, GET /api/v1/stream (docs/api.md "Live stream"): new events,
// notifications and job state changes as Server-Sent Events, whichever daemon sharing the database
// wrote them.
//
// Threads: everything here runs on the loop thread, but the reads of the change feed, which run on
// the feed's own DbThread and come back through the LoopPoster. One poller per daemon: while a
// stream is open, a timer asks every `poll_every` for one read (never two at once) of what lies
// past the streams' positions (store/change_feed_repo.h), rendered there as frames; back on the
// loop each stream is written what lies past its own position (feed_cursor.h). A keepalive comment
// goes to every stream every `keepalive_every`. Streams end when their client closes, when one lets
// more than the server's bound pile up unread (HttpServer drops it), at EndAll (a reload: clients
// reconnect under the new configuration and resume), at Close (the daemon stops), and, for a stream
// opened with a session cookie, every session_recheck_every (its cookie is checked again).
#pragma once

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/http/http_types.h"
#include "daemon/admin/admin_api.h"
#include "daemon/admin/feed_cursor.h"
#include "daemon/http/loop_poster.h"
#include "store/db_thread.h"

namespace vigil {

struct StreamHubOptions {
  std::chrono::milliseconds poll_every{500};
  std::chrono::milliseconds keepalive_every{15000};
  std::chrono::milliseconds gap_wait{2000};  // how long a missing feed number is waited for
  size_t max_streams = 100;                  // more at once are answered 503
  int batch = 500;                           // changes read per poll and position
  int retry_ms = 2000;                       // the client's reconnection delay
  // A stream opened with the console's session cookie (no Authorization header) ends cleanly after
  // this, so the client reconnects and its cookie is checked again: a signed-out session (on any
  // daemon sharing the database) keeps its stream at most this long.
  std::chrono::milliseconds session_recheck_every{std::chrono::minutes(5)};
};

class StreamHub {
 public:
  StreamHub(uv_loop_t* loop, DbThread& feed_db, LoopPoster& poster, StreamHubOptions options = {});
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  // GET /api/v1/stream for the AdminApi, answered on the loop after the API's auth check: 503 when
  // max_streams are open or the daemon stops, 400 for a bad Last-Event-ID or since_id, else the
  // stream.
  ApiRoute Route();
  // Ends every open stream cleanly (the last chunk is written, then the connection closes).
  void EndAll();
  // EndAll, then no stream opens again and the timers close (the loop must run to finish that).
  void Close();
  size_t open_streams() const { return open_; }

 private:
  struct Subscriber {
    std::shared_ptr<HttpStream> stream;
    int64_t cursor = -1;  // the last number sent; -1: not placed yet (placed at the feed's end)
    bool announced = false;  // the retry block is written: only once the stream has its place
    bool open = true;
    std::optional<std::chrono::steady_clock::time_point> recheck_at;  // cookie streams: when to end
  };
  // One read of the feed, rendered: numbers ascending; frames[i] empty when the change need not be
  // sent (its thing is gone, or a later change of the same thing in the batch supersedes it).
  struct Batch {
    bool ok = false;
    int64_t latest = -1;  // the feed's end, read before the changes
    std::vector<int64_t> seqs;
    std::vector<std::string> frames;
  };

  void Open(const HttpRequest& req, Responder respond);
  void OnClosed(const std::shared_ptr<Subscriber>& sub);
  bool Announce(Subscriber& sub);  // writes the retry block; false when the stream is gone
  void StartTimers();
  void StopTimers();
  void Poll();
  Batch ReadBatch(SqlConnection& db, int64_t low, int64_t high) const;
  void Deliver(const Batch& batch);
  void Keepalive();
  void EndSessionStreamsDue();

  uv_loop_t* loop_;
  DbThread& feed_db_;
  LoopPoster& poster_;
  StreamHubOptions options_;
  uv_timer_t poll_timer_{};
  uv_timer_t keepalive_timer_{};
  std::vector<std::shared_ptr<Subscriber>> subs_;
  FeedGaps gaps_;
  size_t open_ = 0;
  bool timers_running_ = false;
  bool poll_in_flight_ = false;
  bool closed_ = false;
};

}  // namespace vigil

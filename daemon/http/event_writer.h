// EventWriter: the durable write path of webhook events. The loop thread hands it accepted events;
// its own thread commits them in groups (everything queued, up to max_group, in one transaction:
// each event with its triage job) and only then reports each one's fate, so a hook answers 2xx
// only for an event that is on disk. When the database cannot take a group (connection lost,
// locked past the busy timeout, disk full) every event in it is reported unavailable; nothing is
// half-stored. A full queue refuses at once (Submit returns false) instead of growing.
//
// Threads: Submit() from any thread (the loop thread in the daemon) takes a mutex only for a
// push; the writer thread owns the connection, the watcher-id cache and the group; `done`
// callbacks run on the writer thread (the daemon posts them back to the loop). Stop() writes
// what is queued, then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/event.h"
#include "store/reconnect.h"
#include "store/sql.h"

namespace vigil {

struct EventWriteResult {
  enum class Kind { kStored, kDuplicate, kUnavailable };
  Kind kind = Kind::kUnavailable;
  std::string event_id;  // stored or duplicate: the row's id
  std::string error;     // unavailable: why (for the log, not the sender)
};

struct PendingEvent {
  std::string watcher_name;  // its id is looked up (and cached) on the writer thread
  std::string community;     // subreddits.name; empty for none
  Event event;
  std::function<void(const EventWriteResult&)> done;
};

struct EventWriterOptions {
  SqlTarget database;
  size_t max_queue = 10000;
  size_t max_group = 256;
  const Clock* clock = &SystemClock::Instance();
};

class EventWriter {
 public:
  explicit EventWriter(EventWriterOptions options);
  ~EventWriter();  // Stop()
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Queues an event; false (and `done` never called) when the queue is full or stopping.
  bool Submit(PendingEvent event);
  // Writes everything queued, then joins. Idempotent.
  void Stop();

  // Groups committed so far (for tests of grouping).
  size_t groups_committed() const;

 private:
  void Run();
  void WriteGroup(std::vector<PendingEvent>& group);
  Status TryWrite(std::vector<PendingEvent>& group, std::vector<EventWriteResult>& results);
  Result<std::string> WatcherId(const std::string& name);
  Result<std::string> CommunityId(const std::string& name);
  SqlConnection* Connection();
  void DropConnection();

  const EventWriterOptions options_;
  std::unique_ptr<SqlConnection> conn_;
  Reconnect reconnect_;
  std::map<std::string, std::string> watcher_ids_, community_ids_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingEvent> queue_;
  bool stopping_ = false;
  size_t groups_committed_ = 0;
  std::thread thread_;
};

}  // namespace vigil

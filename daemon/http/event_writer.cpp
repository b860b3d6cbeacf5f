// Threads: Submit/Stop/groups_committed take mu_ briefly from any thread; everything else runs on
// the writer thread, which alone touches conn_ and the id caches.
#include "daemon/http/event_writer.h"

#include "common/thread_name.h"

#include <spdlog/spdlog.h>

#include "jobs/triage/triage_job.h"
#include "store/event_repo.h"
#include "store/watcher_repo.h"

namespace vigil {
namespace {

EventWriteResult Unavailable(const std::string& why) { return {EventWriteResult::Kind::kUnavailable, "", why}; }

// A failure that says nothing about the database's ability to take writes (a bad row, say).
bool IsDataError(ErrorKind kind) { return kind != ErrorKind::kBusy && kind != ErrorKind::kUnavailable; }

}  // namespace

EventWriter::EventWriter(EventWriterOptions options)
    : options_(std::move(options)), reconnect_(options_.database, "event writer") {
  thread_ = std::thread([this] {
    NameThisThread("event-writer");
    Run();
  });
}

EventWriter::~EventWriter() { Stop(); }

bool EventWriter::Submit(PendingEvent event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queue) return false;
    queue_.push_back(std::move(event));
  }
  cv_.notify_one();
  return true;
}

void EventWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

size_t EventWriter::groups_committed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return groups_committed_;
}

void EventWriter::Run() {
  for (;;) {
    std::vector<PendingEvent> group;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    WriteGroup(group);
  }
}

SqlConnection* EventWriter::Connection() {
  if (conn_ && conn_->healthy()) return conn_.get();
  conn_.reset();
  auto opened = reconnect_.TryOpen();
  if (!opened.ok()) return nullptr;
  conn_ = std::move(*opened);
  return conn_.get();
}

void EventWriter::DropConnection() {
  conn_.reset();
  reconnect_.Broke();
}

Result<std::string> EventWriter::WatcherId(const std::string& name) {
  auto cached = watcher_ids_.find(name);
  if (cached != watcher_ids_.end()) return cached->second;
  auto id = WatcherIdByName(*conn_, name);
  if (!id.ok()) return id.status();
  if (!*id) return Status::Error("no watcher named \"" + name + "\" in the watchers table");
  watcher_ids_[name] = **id;
  return **id;
}

Result<std::string> EventWriter::CommunityId(const std::string& name) {
  if (name.empty()) return std::string();
  auto cached = community_ids_.find(name);
  if (cached != community_ids_.end()) return cached->second;
  auto id = EnsureCommunity(*conn_, name, options_.clock->Now());
  if (!id.ok()) return id.status();
  community_ids_[name] = *id;
  return *id;
}

// One transaction for the whole group: either every event (and its triage job) is committed, or
// none is.
Status EventWriter::TryWrite(std::vector<PendingEvent>& group, std::vector<EventWriteResult>& results) {
  std::vector<EventInsert> inserts;
  TimePoint now = options_.clock->Now();
  Status s = InTransaction(*conn_, true, [&]() -> Status {
    for (const auto& p : group) {
      auto watcher = WatcherId(p.watcher_name);
      if (!watcher.ok()) return watcher.status();
      auto community = CommunityId(p.community);
      if (!community.ok()) return community.status();
      EventInsert in{*watcher, *community, p.event, {}, false};
      in.triage = TriageFollowUp(now);
      inserts.push_back(std::move(in));
    }
    auto written = InsertEventsInTx(*conn_, inserts, now);
    if (!written.ok()) return written.status();
    results.clear();
    for (const auto& w : *written)
      results.push_back({w.inserted ? EventWriteResult::Kind::kStored : EventWriteResult::Kind::kDuplicate, w.id, ""});
    return Status::Ok();
  });
  return s;
}

void EventWriter::WriteGroup(std::vector<PendingEvent>& group) {
  std::vector<EventWriteResult> results;
  Status s = Status::Error("database unavailable");
  ErrorKind kind = ErrorKind::kUnavailable;
  if (Connection() != nullptr) {
    s = TryWrite(group, results);
    if (!s.ok()) {
      kind = conn_->healthy() ? s.kind() : ErrorKind::kUnavailable;
      (void)conn_->Rollback();  // a failed COMMIT leaves the transaction open
    }
  }
  if (!s.ok() && group.size() > 1 && IsDataError(kind)) {
    // One bad event must not make its group-mates fail forever: write each alone.
    for (auto& p : group) {
      std::vector<PendingEvent> one;
      one.push_back(std::move(p));
      WriteGroup(one);
    }
    return;
  }
  if (!s.ok()) {
    spdlog::warn("event writer: {} event(s) not stored: {}", group.size(), s.message());
    watcher_ids_.clear();  // a reload may have recreated rows; look them up afresh
    community_ids_.clear();
    if (conn_ && kind == ErrorKind::kUnavailable) DropConnection();
    for (auto& p : group) p.done(Unavailable(s.message()));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++groups_committed_;
  }
  for (size_t i = 0; i < group.size(); ++i) group[i].done(results[i]);
}

}  // namespace vigil

// Threads: the loop thread runs everything here (see log_wakeups.h); `enqueue` runs its database
// work elsewhere and answers through `done` on the loop.
#include "daemon/log_wakeups.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "config/units.h"
#include "daemon/journal_watch_target.h"

namespace vigil {

struct LogWakeups::Entry {
  LogWakeups* owner = nullptr;
  std::string name;
  std::string digest;  // the watcher's config block, to see a change on reload
  LogWatcherSpec spec;
  std::shared_ptr<LogWatchTarget> target;
  PassCoalescer coalescer;
  uv_timer_t* fallback = nullptr;  // freed in its close callback
  uv_timer_t* flush = nullptr;
  uv_timer_t* retry = nullptr;     // after a failed enqueue
  bool checking = false;
};

namespace {

uv_timer_t* NewTimer(uv_loop_t* loop, void* data) {
  auto* t = new uv_timer_t{};
  uv_timer_init(loop, t);
  t->data = data;
  return t;
}

void CloseTimer(uv_timer_t* t) {
  uv_timer_stop(t);
  uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
}

// The watcher's block in the config, as text: equal texts, the same watcher.
std::string BlockOf(const Config& config, const std::string& name) {
  for (const auto& w : config.tree().value("watchers", nlohmann::json::array())) {
    if (w.value("name", "") == name) return w.dump();
  }
  return "";
}

}  // namespace

std::chrono::milliseconds FallbackInterval(const LogWatcherSpec& spec, bool notification_works) {
  if (spec.every_set) return spec.every;
  return notification_works ? kDefaultLogEvery : kDefaultLogEveryPolled;
}

LogWakeups::LogWakeups(uv_loop_t* loop, Enqueue enqueue) : loop_(loop), enqueue_(std::move(enqueue)) {}

LogWakeups::~LogWakeups() {
  if (!entries_.empty()) spdlog::error("log wakeups destroyed without Close()");
}

LogWakeups::Entry* LogWakeups::Find(const std::string& name) {
  auto it = entries_.find(name);
  return closed_ || it == entries_.end() ? nullptr : it->second.get();
}

void LogWakeups::Apply(const Config& config) {
  if (closed_) return;
  auto parsed = ParseLogWatchers(config);
  std::map<std::string, std::pair<const LogWatcherSpec*, std::string>> wanted;
  if (parsed.ok()) {
    for (const auto& [name, w] : *parsed) {
      if (w.spec.ok()) wanted[name] = {&*w.spec, BlockOf(config, name)};
    }
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto want = wanted.find(it->first);
    if (want != wanted.end() && want->second.second == it->second->digest) {
      wanted.erase(want);
      ++it;
    } else {
      auto next = std::next(it);
      Remove(it);
      it = next;
    }
  }
  for (const auto& [name, w] : wanted) Add(name, *w.first, w.second);
}

void LogWakeups::Add(const std::string& name, const LogWatcherSpec& spec, std::string digest) {
  auto e = std::make_unique<Entry>(Entry{this, name, std::move(digest), spec, nullptr, PassCoalescer(name)});
  e->fallback = NewTimer(loop_, e.get());
  e->flush = NewTimer(loop_, e.get());
  e->retry = NewTimer(loop_, e.get());
  if (spec.journal) {
    e->target = std::make_shared<JournalWatchTarget>(loop_, spec);
  } else {
    e->target = std::make_shared<FileWatchTarget>(loop_, spec);
  }
  auto* target = e->target.get();
  entries_[name] = std::move(e);
  target->Start([this, name] { OnChange(name); }, [this, name](const std::string& error) { OnReady(name, error); });
}

void LogWakeups::Remove(std::map<std::string, std::unique_ptr<Entry>>::iterator it) {
  Entry& e = *it->second;
  CloseTimer(e.fallback);
  CloseTimer(e.flush);
  CloseTimer(e.retry);
  e.target->Close();
  entries_.erase(it);
}

// Notification is armed (or cannot be): the fallback check starts, and the first pass runs now,
// after the watches exist, so nothing written in between goes unseen.
void LogWakeups::OnReady(const std::string& name, const std::string& error) {
  Entry* e = Find(name);
  if (e == nullptr) return;
  auto every = FallbackInterval(e->spec, error.empty());
  if (!error.empty()) {
    spdlog::warn("log watcher {}: change notification unavailable ({}); checking its files every {}", name, error,
                 FormatDuration(every));
  }
  // The first check at the next multiple of `every` on the loop's clock: the log watchers with the
  // same interval then check together, one wake-up of the loop instead of one each.
  auto ms = static_cast<uint64_t>(std::max<int64_t>(every.count(), 1));
  uint64_t first = ms - uv_now(loop_) % ms;
  uv_timer_start(e->fallback, [](uv_timer_t* t) {
    auto* entry = static_cast<Entry*>(t->data);
    entry->owner->OnFallback(*entry);
  }, first, ms);
  Request(*e);
}

void LogWakeups::OnChange(const std::string& name) {
  Entry* e = Find(name);
  if (e == nullptr) return;
  Request(*e);
  if (!e->spec.start) return;
  // Multi-line: the last record is taken once the file has been quiet for flush_after.
  auto ms = static_cast<uint64_t>((e->spec.flush_after + kFlushMargin).count());
  uv_timer_start(e->flush, [](uv_timer_t* t) {
    auto* entry = static_cast<Entry*>(t->data);
    entry->owner->Request(*entry);
  }, ms, 0);
}

void LogWakeups::OnFallback(Entry& e) {
  if (e.checking) return;
  e.checking = true;
  e.target->Check([this, name = e.name](bool changed) {
    Entry* entry = Find(name);
    if (entry == nullptr) return;
    entry->checking = false;
    if (changed) Request(*entry);
  });
}

void LogWakeups::Request(Entry& e) {
  std::string key = e.coalescer.OnChange(std::chrono::steady_clock::now());
  if (!key.empty()) EnqueueKey(e, key);
}

void LogWakeups::PassStarted(const std::string& watcher, Time started) {
  Entry* e = Find(watcher);
  if (e == nullptr) return;
  std::string key = e->coalescer.OnPassStarted(started, std::chrono::steady_clock::now());
  if (!key.empty()) EnqueueKey(*e, key);
}

void LogWakeups::EnqueueKey(Entry& e, const std::string& key) {
  enqueue_(e.name, key, [this, name = e.name](bool ok) {
    Entry* entry = Find(name);
    if (entry == nullptr || ok) return;
    entry->coalescer.OnEnqueueFailed();  // the database is away: ask again in a while
    uv_timer_start(entry->retry, [](uv_timer_t* t) {
      auto* again = static_cast<Entry*>(t->data);
      again->owner->Request(*again);
    }, static_cast<uint64_t>(kRetryAfter.count()), 0);
  });
}

void LogWakeups::Close() {
  while (!entries_.empty()) Remove(entries_.begin());
  closed_ = true;
}

}  // namespace vigil

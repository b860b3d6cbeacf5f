#include "daemon/admin/watcher_test_route.h"

#include <thread>

#include "config/units.h"
#include "daemon/watcher_dry_poll.h"
#include "daemon/watcher_status.h"
#include "store/watcher_repo.h"

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;

// Cancels token() once `limit` has passed or `stopping` is cancelled, whichever comes first, until
// it is destroyed. Its thread wakes every 100 ms to look at `stopping`.
class Deadline {
 public:
  Deadline(std::chrono::milliseconds limit, const CancelToken& stopping)
      : thread_([this, limit, &stopping] {
          auto end = Clock::now() + limit;
          while (!done_.cancelled()) {
            if (stopping.cancelled() || Clock::now() >= end) {
              expired_ = !stopping.cancelled();
              token_.Cancel();
              return;
            }
            done_.WaitFor(std::min<Clock::duration>(std::chrono::milliseconds(100), end - Clock::now()));
          }
        }) {}
  ~Deadline() {
    done_.Cancel();
    thread_.join();
  }
  const CancelToken& token() const { return token_; }
  bool expired() const { return expired_.load(); }

 private:
  CancelToken token_, done_;
  std::atomic<bool> expired_{false};
  std::thread thread_;  // last: it starts once the members it reads exist
};

size_t IndexOf(const Config& config, const nlohmann::json* watcher) {
  const auto& list = config.tree()["watchers"];
  for (size_t i = 0; i < list.size(); ++i) {
    if (&list[i] == watcher) return i;
  }
  return 0;
}

// When the event was published, as its source says it ("published": arXiv and feeds; PubMed's
// "pub_date_text"), or null.
nlohmann::json PublishedAt(const Event& e) {
  for (const char* key : {"published", "pub_date_text"}) {
    auto it = e.source_metadata.find(key);
    if (it != e.source_metadata.end() && it->is_string()) return *it;
  }
  return nullptr;
}

// Whether the watcher has stored an event with this source id already.
Result<bool> Stored(SqlConnection& db, const std::optional<std::string>& watcher_id, const Event& e) {
  if (!watcher_id) return false;
  auto r = db.Query("SELECT 1 FROM vigil_event_sources WHERE watcher_id = $1 AND source_id = $2", {db.IdOf(*watcher_id), e.source_id});
  if (!r.ok()) return r.status();
  return !r->rows.empty();
}

HttpResponse Test(const Config& config, SqlConnection& db, const std::string& name, const CancelToken& stopping,
                  std::chrono::milliseconds limit) {
  const nlohmann::json* w = FindRunningWatcher(config, name);
  if (w == nullptr) return ApiError(404, "no watcher named \"" + name + "\"");
  std::string type = w->value("type", "");
  if (type == "webhook")
    return ApiError(409, "watcher " + name + " is a webhook watcher: it answers requests; test it with vigil watchers test --payload FILE");
  if (type != "literature" && type != "scheduled")
    return ApiError(409, "watcher " + name + " is a " + type + " watcher: it reads files; test it with vigil watchers test --line or --file");
  auto started = Clock::now();
  Result<DryPoll> polled = Status::Error("not run");
  bool expired = false;
  {
    Deadline deadline(limit, stopping);
    polled = type == "literature" ? DryPollLiterature(config, *w, &deadline.token())
                                  : DryPollScheduled(config, *w, IndexOf(config, w), &db, &deadline.token());
    expired = deadline.expired();
  }
  nlohmann::json out = {{"watcher", name}, {"fetched", 0}, {"would_store", nlohmann::json::array()}, {"error", nullptr}};
  if (!polled.ok()) {
    out["error"] = expired ? "stopped after " + FormatDuration(limit) + ": " + polled.error() : polled.error();
  } else {
    auto watcher_id = WatcherIdByName(db, w->value("name", ""));
    if (!watcher_id.ok()) return ApiError(503, watcher_id.error());
    out["fetched"] = polled->events.size();
    for (const auto& e : polled->events) {
      auto stored = Stored(db, *watcher_id, e);
      if (!stored.ok()) return ApiError(503, stored.error());
      out["would_store"].push_back({{"title", e.title}, {"url", e.source_url}, {"published_at", PublishedAt(e)},
                                   {"external_id", e.source_id}, {"duplicate", *stored}});
    }
    if (polled->details.contains("warnings")) out["warnings"] = polled->details["warnings"];
  }
  out["took_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  return ApiJson(200, out);
}

}  // namespace

ApiRoute WatcherTestRoute(std::function<std::shared_ptr<const Config>()> config, DbThread& tester, const CancelToken& stopping,
                          std::chrono::milliseconds limit) {
  return {"POST", "/api/v1/watchers/:name/test",
          [config = std::move(config), &stopping, limit](SqlConnection& db, const HttpRequest&, const std::vector<std::string>& p) {
            auto current = config();
            return Test(*current, db, p[0], stopping, limit);
          },
          &tester};
}

}  // namespace vigil

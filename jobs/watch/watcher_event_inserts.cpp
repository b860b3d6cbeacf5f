#include "jobs/watch/watcher_event_inserts.h"

#include "jobs/triage/triage_job.h"
#include "store/watcher_repo.h"

namespace vigil {

Result<std::vector<EventInsert>> WatcherEventInserts(SqlConnection& db, const std::string& watcher, const std::string& community,
                                                     std::vector<Event> events, TimePoint now, bool updates_existing) {
  std::vector<EventInsert> out;
  if (events.empty()) return out;
  auto id = WatcherIdByName(db, watcher);
  if (!id.ok()) return id.status();
  if (!*id) return Status::Error("watcher " + watcher + " is not in the watchers table yet");
  std::string community_id;
  if (!community.empty()) {
    auto c = EnsureCommunity(db, community, now);
    if (!c.ok()) return c.status();
    community_id = *c;
  }
  for (auto& e : events) {
    EventInsert in{**id, community_id, std::move(e), {}, updates_existing};
    in.triage = TriageFollowUp();
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace vigil

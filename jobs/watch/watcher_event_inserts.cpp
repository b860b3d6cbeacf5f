#include "jobs/watch/watcher_event_inserts.h"

#include <map>

#include "jobs/triage/triage_job.h"
#include "store/watcher_repo.h"

namespace vigil {

Result<std::vector<EventInsert>> WatcherEventInserts(SqlConnection& db, const std::string& watcher, const std::string& community,
                                                     std::vector<Event> events, TimePoint now, bool updates_existing) {
  std::vector<FoundEvents> one;
  one.push_back({watcher, community, std::move(events), updates_existing});
  return WatcherEventInserts(db, std::move(one), now);
}

Result<std::vector<EventInsert>> WatcherEventInserts(SqlConnection& db, std::vector<FoundEvents> found, TimePoint now) {
  std::vector<EventInsert> out;
  std::vector<std::string> names;
  for (const auto& f : found)
    if (!f.events.empty()) names.push_back(f.watcher);
  if (names.empty()) return out;
  auto ids = WatcherIdsByName(db, names);
  if (!ids.ok()) return ids.status();
  std::map<std::string, std::string> communities;  // name -> subreddits.id
  for (auto& f : found) {
    if (f.events.empty()) continue;
    auto id = ids->find(f.watcher);
    if (id == ids->end()) return Status::Error("watcher " + f.watcher + " is not in the watchers table yet");
    auto community = communities.find(f.community);
    if (community == communities.end()) {
      std::string community_id;
      if (!f.community.empty()) {
        auto c = EnsureCommunity(db, f.community, now);
        if (!c.ok()) return c.status();
        community_id = *c;
      }
      community = communities.emplace(f.community, community_id).first;
    }
    for (auto& e : f.events) {
      EventInsert in{id->second, community->second, std::move(e), {}, f.updates_existing};
      in.triage = TriageFollowUp(now);
      out.push_back(std::move(in));
    }
  }
  return out;
}

}  // namespace vigil

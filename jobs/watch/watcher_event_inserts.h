// What every watcher job does with the events it found: resolve its watcher row and community,
// and attach a triage job to each event, ready for InsertEvents / InsertEventsInTx.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "store/event.h"
#include "store/event_repo.h"
#include "store/sql.h"

namespace vigil {

// Errors: the database's, or the watcher row missing (the daemon syncs it at start and reload).
// `updates_existing`: an event whose source id is stored already updates it (a new arXiv version).
Result<std::vector<EventInsert>> WatcherEventInserts(SqlConnection& db, const std::string& watcher, const std::string& community,
                                                     std::vector<Event> events, TimePoint now, bool updates_existing = false);

// Several watchers' events (a batch of passes), in order: their watcher rows looked up in one
// statement, each community once.
struct FoundEvents {
  std::string watcher;
  std::string community;  // its name; "" for none
  std::vector<Event> events;
  bool updates_existing = false;
};
Result<std::vector<EventInsert>> WatcherEventInserts(SqlConnection& db, std::vector<FoundEvents> found, TimePoint now);

}  // namespace vigil

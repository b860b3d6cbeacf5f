// What triage reads and writes besides notifications: the event with its watcher and community,
// its signal and reasoning, the dedupe keys that outlive pruned events (vigil_triage_keys), the
// cooldown clock per community (vigil_community_pushes) and the items waiting for a digest.
//
// Threads: each caller passes its own connection. Functions named *InTx expect the caller's
// transaction; the others run their statement on their own.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct TriageEventRow {
  std::string id;
  std::string watcher_id;
  std::string watcher_name;
  bool auto_create_thread = false;
  double auto_thread_approval_rate = 0.8;
  std::string community_id;    // "" when the event has none
  std::string community_name;  // subreddits.name
  // The rest of the community's subreddits row, as the platform (or vigil, creating it) wrote it:
  // what triage tells the model and how the community takes part ("" when the row has none).
  std::string community_display_name;
  std::string community_description;
  nlohmann::json community_purpose;  // null when absent or not JSON
  std::string participation_model;   // observer | guided | participant | approver
  std::string title;
  std::string summary;
  std::string source_type;
  std::string source_id;
  std::string source_url;
  nlohmann::json source_metadata = nlohmann::json::object();
  std::string triage_signal;  // "" until triaged
};

// The event, or nullopt when no event has this id.
Result<std::optional<TriageEventRow>> LoadEventForTriage(SqlConnection& db, const std::string& event_id);
// The events that exist of `event_ids`, in no particular order (one statement per 500 ids).
Result<std::vector<TriageEventRow>> LoadEventsForTriage(SqlConnection& db, const std::vector<std::string>& event_ids);

struct TriageVerdict {
  std::string event_id;  // as LoadEventsForTriage gave it
  std::string signal;
  std::string reasoning;
};
// Writes each event's verdict unless it has one already, and records the change for the live
// stream; returns the ids written. An id missing from the answer had a verdict (another triage got
// there first, and the caller's transaction must write nothing else for it). Each event at most
// once in `verdicts`; one statement per 200 verdicts, and one for their changes.
Result<std::set<std::string>> RecordTriagesInTx(SqlConnection& db, const std::vector<TriageVerdict>& verdicts);

// Triage's epoch (vigil_triage_epoch): on SQLite a count that every stored batch of verdicts moves
// on (BumpTriageEpochInTx, from StoreDecidedInTx), so a batch decided outside the write lock can
// tell whether another triage stored anything since it read the count. PostgreSQL leaves it at 0.
Result<int64_t> TriageEpoch(SqlConnection& db);
Status BumpTriageEpochInTx(SqlConnection& db);

// The triage queue (vigil_triage_pending): new events wait there for the batched triage job.
struct PendingTriage {
  int64_t seq = 0;
  std::string event_id;
  int attempts = 0;
};
Status QueueForTriageInTx(SqlConnection& db, const std::vector<std::string>& event_ids, TimePoint now);
// The oldest `limit` queued events, inside the caller's transaction; on PostgreSQL the rows are
// locked and rows another transaction holds are skipped, so concurrent batches take disjoint ones
// (SQLite's write transactions are one at a time already).
Result<std::vector<PendingTriage>> TakePendingTriageInTx(SqlConnection& db, int limit);
// Deletes queue rows; how many were still there.
Result<int64_t> DeletePendingTriageInTx(SqlConnection& db, const std::vector<int64_t>& seqs);
// Counts a failed attempt on one queued event (its own transaction).
Status FailPendingTriage(SqlConnection& db, int64_t seq, const std::string& error);
// How many events wait for triage (the console, metrics).
Result<int64_t> PendingTriageCount(SqlConnection& db);

struct StoredKeys {
  std::string event_id;
  std::set<std::string> keys;  // the asked-for keys this event holds
};

// The events of the community that hold any of `keys` (exact keys never expire, so a pruned item
// stays known), oldest first. One indexed lookup per key, however many keys are stored.
Result<std::vector<StoredKeys>> EventsHoldingKeys(SqlConnection& db, const std::string& community, const std::set<std::string>& keys);
// What triage remembers of a triaged event for the near-duplicate checks of later ones.
struct TriagedTraces {
  std::string community;  // subreddits.id, "" for none
  std::string event_id;
  std::set<std::string> keys;          // DedupeKeys
  std::set<std::string> title_tokens;  // TitleTokens
};

// Stores the events' keys (one statement per 500); a key some other event holds already is left
// with that event (of two events of `events` with the same key, with the earlier).
Status InsertKeysInTx(SqlConnection& db, const std::vector<TriagedTraces>& events, TimePoint now);

struct TitledEvent {
  std::string event_id;
  std::set<std::string> title_tokens;
};

// The newest (at most `limit`) events of the community stored at or after `since` whose title has
// the word `token`, newest first, each with all its title words.
Result<std::vector<TitledEvent>> RecentEventsWithTitleWord(SqlConnection& db, const std::string& community, const std::string& token,
                                                           TimePoint since, int limit);
// The same for several words at once: word -> its newest (at most `limit` each). On PostgreSQL one
// statement (a round trip) for all the words, on SQLite one each (in-process).
Result<std::map<std::string, std::vector<TitledEvent>>> RecentEventsWithTitleWords(SqlConnection& db, const std::string& community,
                                                                                   const std::set<std::string>& words, TimePoint since,
                                                                                   int limit);
// Stores the events' title words, one row per word and event, all in one statement.
Status InsertTitleTokensInTx(SqlConnection& db, const std::vector<TriagedTraces>& events, TimePoint now);
// Forgets title words stored before `before` (no novelty window reaches them); the count deleted.
Result<int64_t> PruneTitleTokens(SqlConnection& db, TimePoint before);

// When the community last had a notification pushed; nullopt if never.
Result<std::optional<TimePoint>> LastPushAt(SqlConnection& db, const std::string& community);
Status RecordPushInTx(SqlConnection& db, const std::string& community, TimePoint now);

// Takes one of the community's auto-created threads of the UTC day of `now`: true when fewer than
// `per_day` were taken that day (and counts this one), false when the day's are all taken (or
// per_day is 0). Daemons sharing the database count together: the count is one row, taken under
// its lock.
Result<bool> TakeAutoThreadSlotInTx(SqlConnection& db, const std::string& community, TimePoint now, int per_day);
// Forgets the counts of days before the UTC day of `before`.
Status PruneAutoThreadCounts(SqlConnection& db, TimePoint before);

// Digest items: an event (and its notification, if any) waiting for the community's digest, with
// its triage score (the digest lists the strongest first). store/digest_repo.h claims them.
Status AddDigestItemInTx(SqlConnection& db, const std::string& community, const std::string& event_id,
                         const std::string& notification_id, double score, TimePoint now);

}  // namespace vigil

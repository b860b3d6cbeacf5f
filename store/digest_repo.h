// Digests as stored: the items waiting in vigil_digest_items (put there by triage), and each
// digest made from them in vigil_digests, with a snapshot of its items so every channel's
// delivery, and every retry of it, sends the same message even after retention pruned the events.
//
// An item belongs to at most one digest: claiming sets its digest_id, and only items whose
// digest_id is NULL are claimed. On PostgreSQL two concurrent claims serialise on the items' row
// locks (the second UPDATE re-checks `digest_id IS NULL` and skips what the first took).
//
// Threads: each caller passes its own connection. Functions named *InTx expect the caller's
// transaction; the others run their statements on their own.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct DigestItem {
  std::string event_id;
  std::string notification_id;  // "" for a low signal that made no notification
  std::string title;
  std::string watcher;          // the watcher's name
  std::string source_type;      // pubmed, arxiv, feed, webhook...
  std::string source_url;
  std::string signal;           // low | medium | high
  std::optional<double> score;  // nullopt for items gathered before scores were kept
  TimePoint added_at{};
};

struct DigestRow {
  std::string id;
  std::string community_id;    // subreddits.id as text
  std::string community_name;  // subreddits.name, "" when the community is gone
  int64_t job_id = 0;          // the digest job that made it
  TimePoint created_at{};
  std::vector<DigestItem> items;  // strongest first: signal high to low, then score, then oldest
};

// subreddits.id of the community named `name`, or nullopt when there is none.
Result<std::optional<std::string>> CommunityIdByName(SqlConnection& db, const std::string& name);

// The digest `job_id` made, or nullopt.
Result<std::optional<std::string>> DigestIdOfJobInTx(SqlConnection& db, int64_t job_id);

// Drops the community's waiting items whose notification a person dismissed (nobody wants them
// announced again); returns how many.
Result<int64_t> DropDismissedItemsInTx(SqlConnection& db, const std::string& community_id);

// Marks every waiting item of the community as part of `digest_id`; returns how many.
Result<int64_t> ClaimOpenItemsInTx(SqlConnection& db, const std::string& community_id, const std::string& digest_id);

// The items claimed by `digest_id`, with their events' titles, links and signals, strongest first.
Result<std::vector<DigestItem>> ClaimedItemsInTx(SqlConnection& db, const std::string& digest_id);

// Stores the digest row (its items as a JSON snapshot).
Status InsertDigestInTx(SqlConnection& db, const DigestRow& digest);

// The digest, or nullopt when there is none with this id.
Result<std::optional<DigestRow>> GetDigest(SqlConnection& db, const std::string& id);

// Newest first (created_at, then id); `community` is subreddits.name, "" for all. `before_id`: a
// page cursor, the id of the last digest of the previous page ("" for the first page).
Result<std::vector<DigestRow>> ListDigests(SqlConnection& db, const std::string& community, int limit, const std::string& before_id = "");

nlohmann::json DigestItemToJson(const DigestItem& item);
nlohmann::json DigestToJson(const DigestRow& digest);  // {id, community, created_at, item_count, items}

}  // namespace vigil

// Notifications as the platform reads them: the `notifications` table (seeds/000). Triage inserts
// them (pending); people move them through read, acted and dismissed (the CLI, the API); the
// auto-create-thread step records the thread it opened and marks them acted.
//
// Threads: each caller passes its own connection.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/sql.h"

namespace vigil {

struct NotificationInsert {
  std::string watcher_id;
  std::string event_id;
  std::string community_id;  // "" for none
  std::string title;
  std::string summary;
  std::string signal;  // low | medium | high
  std::string suggested_hypothesis;
  std::string action_taken;  // "" for none; kHeldForApprover or kHeldByDailyCap when its auto thread waits
};

// action_taken of a pending notification whose auto-created thread waits for a person: short codes,
// since the platform's column is a VARCHAR(20). Its community approves every thread
// (participation_model approver), or has had its rules.max_auto_threads_per_day today (UTC).
inline constexpr const char* kHeldForApprover = "held:approver";
inline constexpr const char* kHeldByDailyCap = "held:daily_cap";
static_assert(std::char_traits<char>::length(kHeldForApprover) <= 20 && std::char_traits<char>::length(kHeldByDailyCap) <= 20);

struct NotificationRow {
  std::string id;
  std::string watcher_id;
  std::string event_id;
  std::string community_id;
  std::string community_name;
  std::string title;
  std::string summary;
  std::string signal;
  std::string suggested_hypothesis;
  std::string status;  // pending | read | acted | dismissed
  std::string action_taken;
  std::string thread_id;
  std::string created_at;  // as the database prints it
  std::string acted_at;
  std::string source_url;        // of the event
  std::string triage_reasoning;  // of the event
  std::string watcher_name;
  std::string participation_model;  // of its community (subreddits); "" when none
  std::optional<double> triage_score;  // of its event (vigil_event_scores); none when triaged before scores were kept
};

// Inserts a pending notification inside the caller's transaction; returns its id.
Result<std::string> InsertNotificationInTx(SqlConnection& db, const NotificationInsert& in, TimePoint now);

// The notification with its community name and its event's URL and reasoning; nullopt if none.
Result<std::optional<NotificationRow>> GetNotification(SqlConnection& db, const std::string& id);

struct NotificationFilter {
  std::string status;     // "" for any
  std::string community;  // subreddits.name; "" for any
  int limit = 50;
  std::string watcher;    // watchers.name; "" for any
  std::string signal;     // low | medium | high; "" for any
  std::optional<TimePoint> since;  // created at or after
  std::string after;      // a page cursor: the id of the last notification of the previous page
  std::string event_id;   // only the notifications of this event; "" for any
};

// Newest first (created_at, then id), so that `after` pages through a stable order.
Result<std::vector<NotificationRow>> ListNotifications(SqlConnection& db, const NotificationFilter& filter);

// action_taken is a note a person writes: at most this many bytes of UTF-8.
inline constexpr size_t kMaxActionTakenBytes = 4096;

// Ok when `action` may be stored as action_taken: at most kMaxActionTakenBytes, and no control
// character but tab and newline (U+0000 among them, which PostgreSQL's text cannot hold). The
// error names the first thing wrong ("action_taken is 5000 bytes; the limit is 4096").
Status CheckActionTaken(const std::string& action);

// Moves a notification to `status` (read, acted, dismissed, or back to pending). `acted` sets
// acted_at and, when `action` is not empty, action_taken. Errors: an unknown status, an action
// CheckActionTaken refuses, or no such notification ("no notification <id>").
Status SetNotificationStatus(SqlConnection& db, const std::string& id, const std::string& status, const std::string& action,
                             TimePoint now);

// Ok when a thread may be opened for `n`. A person's dismissal is final: a dismissed notification
// never gets a thread. One that has a thread already gets no second one (asking again is
// harmless). The error says which ("notification <id> was dismissed: ..."). The create_thread job,
// `vigil notifications act --create-thread` and the admin API all ask this first.
Status CheckThreadAllowed(const NotificationRow& n);

// Notes on a notification that its auto-created thread waits for a person (`reason`: kHeldForApprover
// or kHeldByDailyCap), unless a person got to it first: only while it has no thread and is pending
// or read. An error when the notification is gone ("no notification <id>").
Status HoldThreadForPerson(SqlConnection& db, const std::string& id, const std::string& reason);

// Records the thread the platform opened: thread_id, action_taken, status acted, acted_at; only
// while CheckThreadAllowed still allows it: a person may dismiss the notification, or another
// request record its thread, while the platform is being asked. Returns whether it recorded; an
// error when the notification is gone ("no notification <id>").
Result<bool> RecordThread(SqlConnection& db, const std::string& id, const std::string& thread_id, const std::string& action,
                          TimePoint now);

nlohmann::json NotificationToJson(const NotificationRow& n);

}  // namespace vigil

// How the admin API (admin_api.h) reads a request before it touches the database: its query
// parameters, those of its lists (GET /api/v1/events, /jobs, /notifications: limit, cursor, filters) and
// the body of PATCH /api/v1/notifications/<id>. Each function returns what the store is asked, or
// the message of the 400 the route answers. Pure functions of the request; any thread.
#pragma once

#include <string>

#include "common/http/http_types.h"
#include "common/status.h"
#include "store/event_repo.h"
#include "store/job_repo.h"
#include "store/notification_repo.h"

namespace vigil {

// A query parameter, percent-decoded; "" when absent.
std::string QueryParam(const HttpRequest& req, const std::string& name);
// `limit`: 50 when absent; an error unless a number from 1 to 500.
Result<int> LimitParam(const HttpRequest& req);
// A UUID in either form the store writes (hyphenated, or 32 hex digits), in any case.
bool LooksLikeUuid(const std::string& s);

// The longest `q` GET /api/v1/events searches titles for.
inline constexpr size_t kMaxTitleQueryBytes = 200;

// GET /api/v1/events?watcher=&signal=&since=&until=&q=&limit=&cursor=&include=raw_data. The
// filter's limit is the page's limit plus one (the extra row tells whether a next page exists).
// Errors: a limit not from 1 to 500, an unknown signal, a cursor that is not a UUID, a since or
// until that is not ISO 8601, a q longer than kMaxTitleQueryBytes, not UTF-8 or with control
// characters.
Result<EventFilter> EventFilterFrom(const HttpRequest& req);

// GET /api/v1/jobs?state=&kind=&queue=&limit=&cursor=; limit plus one as above. Errors: the limit,
// a cursor that is not all digits from 1 to the largest int64.
Result<JobFilter> JobFilterFrom(const HttpRequest& req);

// GET /api/v1/notifications?status=&community=&watcher=&signal=&since=&limit=&cursor=; limit plus
// one as above. Errors: the limit, an unknown status or signal, a cursor that is not a UUID, since.
Result<NotificationFilter> NotificationFilterFrom(const HttpRequest& req);

// The body of PATCH /api/v1/notifications/<id>: {"status": "pending|read|acted|dismissed",
// "action_taken": "..."} (action_taken only with acted). Errors: not a JSON object, an unknown
// field, a value that is not a string, a missing or unknown status, JSON nested past the limit
// (common/json_depth.h), an action_taken CheckActionTaken refuses.
struct NotificationStatusChange {
  std::string status;
  std::string action;  // "" when not given
};
Result<NotificationStatusChange> NotificationStatusChangeFrom(const HttpRequest& req);

}  // namespace vigil

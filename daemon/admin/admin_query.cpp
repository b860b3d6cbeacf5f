#include "daemon/admin/admin_query.h"

#include <charconv>
#include <cstdlib>
#include <optional>

#include "common/iso8601.h"
#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "common/uuid.h"
#include "sources/webhook/request_values.h"

namespace vigil {
namespace {

bool KnownSignal(const std::string& s) { return s.empty() || s == "low" || s == "medium" || s == "high"; }

bool KnownNotificationStatus(const std::string& s) {
  return s == "pending" || s == "read" || s == "acted" || s == "dismissed";
}

// A time parameter (`since`, `until`), when given.
Result<std::optional<TimePoint>> TimeParam(const HttpRequest& req, const std::string& name) {
  std::string text = QueryParam(req, name);
  if (text.empty()) return std::optional<TimePoint>();
  auto t = ParseIso8601(text);
  if (!t.ok()) return Status::Error(name + ": " + t.error());
  return std::optional<TimePoint>(*t);
}

Result<std::optional<TimePoint>> SinceParam(const HttpRequest& req) { return TimeParam(req, "since"); }

// `q`: searched in titles; at most kMaxTitleQueryBytes of UTF-8 without control characters.
Result<std::string> TitleQueryParam(const HttpRequest& req) {
  std::string q = QueryParam(req, "q");
  if (q.size() > kMaxTitleQueryBytes) return Status::Error("q: at most " + std::to_string(kMaxTitleQueryBytes) + " bytes");
  if (!IsUtf8(q)) return Status::Error("q: not UTF-8");
  for (unsigned char c : q) {
    if (c < 0x20 || c == 0x7f) return Status::Error("q: control characters are not searched for");
  }
  return q;
}

// A job list cursor: a job id, all digits, from 1 to the largest int64; nullopt for anything else
// (atoll would saturate a huge number into a cursor that "works").
std::optional<int64_t> JobIdCursor(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

bool LooksLikeUuid(const std::string& s) { return UuidIn(s, UuidForm::kHex).has_value(); }

Result<int> LimitParam(const HttpRequest& req) {
  std::string text = QueryParam(req, "limit");
  if (text.empty()) return 50;
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || n < 1 || n > 500) return Status::Error("limit must be a number from 1 to 500");
  return static_cast<int>(n);
}

std::string QueryParam(const HttpRequest& req, const std::string& name) {
  for (const auto& [k, v] : ParseQueryString(req.query)) {
    if (k == name) return v;
  }
  return "";
}

Result<EventFilter> EventFilterFrom(const HttpRequest& req) {
  auto limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  EventFilter f{QueryParam(req, "watcher"), QueryParam(req, "signal"), std::nullopt, QueryParam(req, "cursor"), *limit + 1,
                QueryParam(req, "include") == "raw_data"};
  if (!KnownSignal(f.signal)) return Status::Error("signal must be low, medium or high");
  if (!f.before_id.empty() && !LooksLikeUuid(f.before_id)) return Status::Error("malformed cursor");
  auto since = SinceParam(req);
  if (!since.ok()) return since.status();
  f.since = *since;
  auto until = TimeParam(req, "until");
  if (!until.ok()) return until.status();
  f.until = *until;
  auto q = TitleQueryParam(req);
  if (!q.ok()) return q.status();
  f.title_query = *q;
  return f;
}

Result<JobFilter> JobFilterFrom(const HttpRequest& req) {
  auto limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  JobFilter f{QueryParam(req, "state"), QueryParam(req, "kind"), QueryParam(req, "queue"), 0, *limit + 1};
  if (std::string c = QueryParam(req, "cursor"); !c.empty()) {
    auto after = JobIdCursor(c);
    if (!after) return Status::Error("malformed cursor");
    f.after_id = *after;
  }
  return f;
}

Result<NotificationFilter> NotificationFilterFrom(const HttpRequest& req) {
  auto limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  NotificationFilter f{QueryParam(req, "status"), QueryParam(req, "community"), *limit + 1};
  f.watcher = QueryParam(req, "watcher");
  f.signal = QueryParam(req, "signal");
  f.after = QueryParam(req, "cursor");
  if (!f.status.empty() && !KnownNotificationStatus(f.status))
    return Status::Error("status must be pending, read, acted or dismissed");
  if (!KnownSignal(f.signal)) return Status::Error("signal must be low, medium or high");
  if (!f.after.empty() && !LooksLikeUuid(f.after)) return Status::Error("malformed cursor");
  auto since = SinceParam(req);
  if (!since.ok()) return since.status();
  f.since = *since;
  return f;
}

Result<NotificationStatusChange> NotificationStatusChangeFrom(const HttpRequest& req) {
  if (!JsonDepthAllowed(req.body)) return Status::Error("the body: " + JsonTooDeepMessage());
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Status::Error("the body is not JSON");
  if (!body.is_object()) return Status::Error("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "status" && key != "action_taken") return Status::Error("unknown field \"" + key + "\" (expected status, action_taken)");
    if (!value.is_string()) return Status::Error(key + " must be a string");
  }
  NotificationStatusChange c{body.value("status", ""), body.value("action_taken", "")};
  if (c.status.empty()) return Status::Error("status is required (read, acted, dismissed or pending)");
  if (!KnownNotificationStatus(c.status))
    return Status::Error("unknown status \"" + c.status + "\" (expected read, acted, dismissed or pending)");
  if (!c.action.empty() && c.status != "acted") return Status::Error("action_taken goes with status acted");
  if (Status s = CheckActionTaken(c.action); !s.ok()) return s;
  return c;
}

}  // namespace vigil

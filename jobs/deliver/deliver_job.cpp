#include "jobs/deliver/deliver_job.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "common/json_depth.h"
#include "common/utf8_cut.h"
#include "common/uuid.h"
#include "jobs/deliver/delivery_message.h"
#include "jobs/deliver/digest_message.h"
#include "jobs/deliver/smtp_sender.h"
#include "jobs/triage/triage_handler.h"
#include "store/digest_repo.h"
#include "store/health_alert_repo.h"
#include "store/notification_repo.h"

namespace vigil {
namespace {

constexpr std::chrono::milliseconds kSendTimeout{30000};

JobResult FromHttp(const Result<HttpClientResponse>& resp, const std::string& what) {
  if (!resp.ok()) return JobResult::Retry(what + ": " + resp.error());
  int status = resp->status;
  if (status >= 200 && status <= 299) return JobResult::Done();
  std::string error = what + ": HTTP " + std::to_string(status);
  if (status == 408 || status == 429 || status >= 500) {
    std::chrono::milliseconds after{0};
    if (resp->retry_after) after = std::chrono::duration_cast<std::chrono::milliseconds>(*resp->retry_after);
    return JobResult::Retry(error, after);
  }
  return JobResult::Discard(error);
}

HttpClientRequest JsonPost(const std::string& url, const std::string& body, const std::string& delivery_id) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = url;
  req.body = body;
  req.timeout = kSendTimeout;
  req.retry_non_idempotent = true;  // the receiver can drop repeats by X-Vigil-Delivery
  req.secret_path = true;  // a channel's URL can be its credential (Slack's is): logs show scheme and host only
  req.headers = {{"Content-Type", "application/json"}, {"X-Vigil-Delivery", delivery_id}};
  return req;
}

// One message ready for every channel type: a notification's or a digest's.
struct Outbound {
  std::string id;     // the notification's or digest's: X-Vigil-Delivery is "<id>:<channel>"
  std::string event;  // X-Vigil-Event: notification | digest
  nlohmann::json webhook;
  nlohmann::json slack;
  nlohmann::json platform;
  std::string platform_path;
  EmailText email;
};

Outbound ForNotification(const NotificationRow& n, const PlatformSettings& platform) {
  return {n.id, "notification", WebhookPayload(n), SlackPayload(n), NotificationToJson(n), platform.notifications_path,
          NotificationEmail(n)};
}

Outbound ForDigest(const DigestRow& d, const PlatformSettings& platform) {
  return {d.id, "digest", DigestWebhookPayload(d), DigestSlackPayload(d), DigestWebhookPayload(d), platform.digests_path,
          DigestEmail(d)};
}

// An alert about vigil itself (jobs/deliver/ops_alerts.h): {"type": "watcher_health", "alert":
// {...}} to a webhook, or "database_backup" for a backup's (subject "database_backup:NAME"); no
// platform endpoint takes it (vigil's own health is not a community's business).
Outbound ForHealthAlert(const HealthAlertRow& a) {
  nlohmann::json alert = HealthAlertToJson(a);
  std::string type = a.watcher.starts_with("database_backup:") ? "database_backup" : "watcher_health";
  std::string line = "[" + UpperAscii(a.health == "ok" ? "recovered" : a.health) + "] " + a.title;
  return {a.id, type, {{"type", type}, {"alert", alert}}, {{"text", SlackEscape(line + "\n" + a.summary)}},
          alert, "", EmailText{"[vigil] " + a.title, a.title + "\n\n" + a.summary + "\n"}};
}

JobResult SendTo(const ChannelSettings& ch, const PlatformSettings& platform, const Outbound& m, HttpClient& http, TimePoint now,
                 const CancelToken* cancel) {
  std::string delivery_id = m.id + ":" + ch.name;
  std::string what = "delivery of " + m.event + " " + m.id + " to " + ch.name;
  switch (ch.type) {
    case ChannelType::kWebhook: {
      auto req = JsonPost(ch.url, m.webhook.dump(), delivery_id);
      req.headers.emplace_back("X-Vigil-Event", m.event);
      if (!ch.secret.empty()) req.headers.emplace_back(kSignatureHeader, SignatureValue(ch.secret, req.body));
      return FromHttp(http.Send(req, cancel), what);
    }
    case ChannelType::kSlack:
      return FromHttp(http.Send(JsonPost(ch.url, m.slack.dump(), delivery_id), cancel), what);
    case ChannelType::kPlatform: {
      if (m.platform_path.empty()) return JobResult::Done();  // no endpoint for this kind of message
      auto req = JsonPost(platform.base_url + m.platform_path, m.platform.dump(), delivery_id);
      if (!platform.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + platform.token);
      return FromHttp(http.Send(req, cancel), what);
    }
    case ChannelType::kEmail: {
      std::string domain = ch.from.substr(ch.from.find('@') + 1);
      if (auto close = domain.find('>'); close != std::string::npos) domain.resize(close);
      std::string message = RenderEmail(m.email, ch.from, ch.to, now, m.id + "." + ch.name + "@" + domain);
      MailOutcome sent = SendMail(ch.smtp, ch.from, ch.to, message, kSendTimeout, cancel);
      if (sent.status.ok()) return JobResult::Done();
      return sent.permanent ? JobResult::Discard(what + ": " + sent.status.message()) : JobResult::Retry(what + ": " + sent.status.message());
    }
  }
  return JobResult::Discard("unknown channel type");
}

Result<std::optional<NotificationRow>> Load(SqlConnection& db, const nlohmann::json& args) {
  std::string id = args.value("notification_id", "");
  if (id.empty()) return Status::Error("args.notification_id is required");
  return GetNotification(db, id);
}

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Either form: the platform may answer with the hex form its SQLite stores.
// The thread id of the platform's answer: "thread_id" or else "id", a string or a number (as text);
// "" when neither is there.
std::string ThreadIdOf(const nlohmann::json& body) {
  if (!body.is_object()) return "";
  for (const char* key : {"thread_id", "id"}) {
    auto it = body.find(key);
    if (it == body.end()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return it->dump();
  }
  return "";
}

nlohmann::json ThreadRequest(const NotificationRow& n) {
  return {{"subreddit", n.community_name}, {"title", n.title}, {"summary", n.summary},
          {"hypothesis", n.suggested_hypothesis}, {"source_url", n.source_url}, {"notification_id", n.id},
          {"event_id", n.event_id}, {"signal", n.signal}};
}

using DeliveryWork = JobResult (*)(const TriageSettings&, HttpClient&, SqlConnection&, const nlohmann::json&, TimePoint,
                                   const CancelToken*);

JobHandler Handler(const Runtime& runtime, DeliveryWork work) {
  return WithTriageSettings(runtime, [&runtime, work](const TriageSettings& settings, SqlConnection& db, JobContext& ctx) {
    return work(settings, *runtime.http(), db, ctx.args, ctx.clock.Now(), &ctx.cancel);
  });
}

}  // namespace

JobResult DeliverNotification(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                              TimePoint now, const CancelToken* cancel) {
  const ChannelSettings* channel = settings.FindChannel(args.value("channel", ""));
  if (channel == nullptr) return JobResult::Done();  // removed from the config since
  auto n = Load(db, args);
  if (!n.ok()) return JobResult::Retry(n.error());
  if (!*n || (*n)->status == "dismissed") return JobResult::Done();
  return SendTo(*channel, settings.platform, ForNotification(**n, settings.platform), http, now, cancel);
}

// A stored message (a digest, a health alert) to one channel: the row `args[key]` names, read with
// `get` and rendered with `render`; a row or channel gone since is nothing left to do.
template <class Get, class Render>
JobResult DeliverStored(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                        const char* key, Get get, Render render, TimePoint now, const CancelToken* cancel) {
  const ChannelSettings* channel = settings.FindChannel(args.value("channel", ""));
  if (channel == nullptr) return JobResult::Done();  // removed from the config since
  std::string id = args.value(key, "");
  if (id.empty()) return JobResult::Discard(std::string("args.") + key + " is required");
  auto row = get(db, id);
  if (!row.ok()) return JobResult::Retry(row.error());
  if (!*row) return JobResult::Done();
  return SendTo(*channel, settings.platform, render(**row), http, now, cancel);
}

JobResult DeliverDigest(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                        TimePoint now, const CancelToken* cancel) {
  return DeliverStored(settings, http, db, args, "digest_id", GetDigest,
                       [&](const auto& d) { return ForDigest(d, settings.platform); }, now, cancel);
}

JobResult DeliverHealthAlert(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                             TimePoint now, const CancelToken* cancel) {
  return DeliverStored(settings, http, db, args, "health_alert_id", GetHealthAlert,
                       [](const auto& a) { return ForHealthAlert(a); }, now, cancel);
}

JobResult Deliver(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args, TimePoint now,
                  const CancelToken* cancel) {
  if (args.contains("health_alert_id")) return DeliverHealthAlert(settings, http, db, args, now, cancel);
  return args.contains("digest_id") ? DeliverDigest(settings, http, db, args, now, cancel)
                                    : DeliverNotification(settings, http, db, args, now, cancel);
}

JobResult CreateThread(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                       TimePoint now, const CancelToken* cancel) {
  const PlatformSettings& p = settings.platform;
  if (p.base_url.empty()) return JobResult::Discard("auto_create_thread needs notify.platform.base_url");
  auto n = Load(db, args);
  if (!n.ok()) return JobResult::Retry(n.error());
  if (!*n) return JobResult::Done();
  if (Status allowed = CheckThreadAllowed(**n); !allowed.ok()) {
    spdlog::info("create_thread: {}", allowed.message());
    return JobResult::Done();
  }
  // Triage asked without a person, and the community (its row, as the platform may have changed
  // it since) approves every thread itself: the notification waits for a person.
  if (!args.contains("approved_by") && (*n)->participation_model == "approver") {
    if (Status held = HoldThreadForPerson(db, (*n)->id, kHeldForApprover); !held.ok()) return JobResult::Retry(held.message());
    spdlog::info("create_thread: notification {} waits for a person: its community {} approves every thread", (*n)->id,
                 (*n)->community_name);
    return JobResult::Done();
  }
  auto req = JsonPost(p.base_url + p.threads_path, ThreadRequest(**n).dump(), (*n)->id + ":thread");
  req.headers.emplace_back("Idempotency-Key", (*n)->id);
  if (!p.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + p.token);
  auto resp = http.Send(req, cancel);
  JobResult verdict = FromHttp(resp, "thread request for " + (*n)->id);
  if (verdict.kind != JobResult::Kind::kDone) return verdict;
  auto body = ParseJsonOrDiscarded(resp->body);
  std::string thread_id = ThreadIdOf(body);
  if (thread_id.empty()) return JobResult::Discard("the platform's answer holds no thread id (a UUID in \"id\" or \"thread_id\")");
  if (!UuidIn(thread_id, UuidForm::kHex)) {
    return JobResult::Discard("the platform answered thread id " + std::string(CutUtf8(thread_id, 64)) +
                              ", which is not a UUID (notifications.thread_id holds UUIDs): not recorded");
  }
  // A short code, as the held ones: the platform's action_taken is a VARCHAR(20) (thread_id holds the
  // thread; the log line says the rest).
  std::string why = args.contains("approved_by")
                        ? "on approval by " + args.value("approved_by", "")
                        : "triage score " + Fixed2(args.value("score", 0.0)) + " >= auto_thread_approval_rate " +
                              Fixed2(args.value("approval_rate", 0.0));
  std::string action = args.contains("approved_by")
                           ? "approved:" + std::string(CutUtf8(args.value("approved_by", ""), 11))
                           : "auto:" + Fixed2(args.value("score", 0.0)) + ">=" + Fixed2(args.value("approval_rate", 0.0));
  spdlog::info("create_thread: the platform opened thread {} for notification {} ({})", thread_id, (*n)->id, why);
  auto recorded = RecordThread(db, (*n)->id, thread_id, action, now);
  if (!recorded.ok()) return JobResult::Retry(recorded.error());
  if (!*recorded) {
    spdlog::warn("the platform opened thread {} for notification {}, which was dismissed or given a thread while it was "
                 "asked: not recorded",
                 thread_id, (*n)->id);
  }
  return JobResult::Done();
}

KindSpec DeliverKind(const Runtime& runtime) {
  KindSpec spec;
  spec.kind = "deliver";
  spec.timeout = std::chrono::minutes(2);
  spec.backoff.base = std::chrono::seconds(5);
  spec.handler = Handler(runtime, Deliver);
  return spec;
}

KindSpec CreateThreadKind(const Runtime& runtime) {
  KindSpec spec = DeliverKind(runtime);
  spec.kind = "create_thread";
  spec.handler = Handler(runtime, CreateThread);
  return spec;
}

}  // namespace vigil

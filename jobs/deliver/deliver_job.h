// Delivery jobs. Each delivery is a job of its own, so a failing receiver is retried with the
// engine's backoff without holding up the others:
//   deliver        {notification_id, channel}: one notification to one `notify.channels` entry
//                  (webhook signed with HMAC-SHA256, Slack incoming webhook, e-mail over SMTP, or
//                  the platform's notifications endpoint).
//   deliver        {digest_id, channel}: one digest (jobs/deliver/digest_job.h) to one channel, the same
//                  ways (the platform's endpoint being notify.platform.digests_path, when set).
//   create_thread  {notification_id, score, approval_rate}, or {notification_id, approved_by} when a
//                  person approved it (`vigil notifications act ID --create-thread`): POSTs a thread request to the
//                  platform (notify.platform.base_url + threads_path) and records thread_id,
//                  action_taken (`auto:0.85>=0.80`, or `approved:api`) and status `acted` on the notification. A dismissed notification,
//                  or one with a thread already, is left as it is (CheckThreadAllowed): done. An
//                  auto-approved one whose community is now `approver` waits for a person
//                  (action_taken kHeldForApprover): done, the platform not asked.
//                  The admin API's approval (POST /api/v1/notifications/<id>/create-thread) runs
//                  CreateThread itself, at once, to answer with the thread.
// Outcomes: 2xx -> done; 408, 429, 5xx and transport errors -> retry (the HTTP client also
// retries within the job, with an idempotency key, X-Vigil-Delivery); other 4xx -> discarded
// with the status in the job's last error; a channel or notification no longer there -> done.
#pragma once

#include <string>

#include "common/cancel.h"
#include "common/clock.h"
#include "common/http/http_client.h"
#include "jobs/engine/job_types.h"
#include "jobs/engine/runtime.h"
#include "jobs/triage/triage_config.h"
#include "store/sql.h"

namespace vigil {

KindSpec DeliverKind(const Runtime& runtime);
KindSpec CreateThreadKind(const Runtime& runtime);

// The work of one job, for a given settings and clock (the kinds read them from the runtime).
JobResult DeliverNotification(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                              TimePoint now, const CancelToken* cancel);
JobResult DeliverDigest(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                        TimePoint now, const CancelToken* cancel);
// A watcher health alert (store/health_alert_repo.h), args {"health_alert_id", "channel"}: the
// webhook gets {"type": "watcher_health", "alert": {...}} with X-Vigil-Event: watcher_health.
JobResult DeliverHealthAlert(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                             TimePoint now, const CancelToken* cancel);
// DeliverHealthAlert when args hold a health_alert_id, DeliverDigest when they hold a digest_id,
// else DeliverNotification: the `deliver` kind's work.
JobResult Deliver(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args, TimePoint now,
                  const CancelToken* cancel);
JobResult CreateThread(const TriageSettings& settings, HttpClient& http, SqlConnection& db, const nlohmann::json& args,
                       TimePoint now, const CancelToken* cancel);

}  // namespace vigil

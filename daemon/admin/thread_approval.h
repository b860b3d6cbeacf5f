// POST /api/v1/notifications/<id>/create-thread: a person approves a notification and the platform
// opens its thread. The work is CreateThread (jobs/deliver/deliver_job.h), the same the
// create_thread job does when triage auto-approves, run at once so the answer can carry the
// thread:
//   200  the notification, with thread_id, status acted and action_taken "approved:api"
//   404  no such notification
//   409  the notification was dismissed (a dismissed notification never gets a thread), or it has
//        a thread already; nothing is sent to the platform
//   502  the platform failed or answered without a usable thread id; nothing is recorded
//   503  no platform is configured (notify.platform.base_url)
//
// Threads: the handler runs on `outbound`, a DbThread of its own, because it waits on the
// platform (up to the delivery timeout, with retries): the API's other routes and /readyz never
// wait behind it. `stopping` cancels a request in flight when the daemon stops.
#pragma once

#include "common/cancel.h"
#include "daemon/admin/admin_api.h"
#include "jobs/engine/runtime.h"
#include "store/db_thread.h"

namespace vigil {

ApiRoute ThreadApprovalRoute(const Runtime& runtime, DbThread& outbound, const CancelToken& stopping);

}  // namespace vigil

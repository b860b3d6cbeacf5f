// The admin API's reading of list requests and of the notification PATCH body
// (daemon/admin_query.h).
// Input: query string \0 PATCH body.
// Besides not crashing: what a filter holds is what its contract allows (a limit from 2 to 501,
// a known signal and status, a UUID-shaped cursor or a positive job id), and every refusal says
// why.
#include <cstdint>
#include <string>

#include "daemon/admin/admin_query.h"
#include "fuzz/fuzz_input.h"

namespace {

bool KnownSignal(const std::string& s) { return s.empty() || s == "low" || s == "medium" || s == "high"; }

void CheckErrorAnswer(const vigil::Status& error) {
  VIGIL_FUZZ_CHECK(!error.ok() && !error.message().empty(), "a refusal without a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fields = vigil::fuzz::SplitFields(data, size, 2);
  vigil::HttpRequest req;
  req.method = "GET";
  req.query = fields[0];
  req.target = "/api/v1/events?" + req.query;
  req.path = "/api/v1/events";
  req.body = fields[1];
  if (auto f = vigil::EventFilterFrom(req); f.ok()) {
    VIGIL_FUZZ_CHECK(f->limit >= 2 && f->limit <= 501, "events limit %d", f->limit);
    VIGIL_FUZZ_CHECK(KnownSignal(f->signal), "events signal");
    VIGIL_FUZZ_CHECK(f->before_id.empty() || vigil::LooksLikeUuid(f->before_id), "events cursor");
  } else {
    CheckErrorAnswer(f.status());
  }
  if (auto f = vigil::JobFilterFrom(req); f.ok()) {
    VIGIL_FUZZ_CHECK(f->limit >= 2 && f->limit <= 501, "jobs limit %d", f->limit);
    VIGIL_FUZZ_CHECK(f->after_id >= 0 && (f->after_id > 0) == !vigil::QueryParam(req, "cursor").empty(), "jobs cursor");
  } else {
    CheckErrorAnswer(f.status());
  }
  if (auto f = vigil::NotificationFilterFrom(req); f.ok()) {
    VIGIL_FUZZ_CHECK(f->limit >= 2 && f->limit <= 501, "notifications limit %d", f->limit);
    VIGIL_FUZZ_CHECK(KnownSignal(f->signal), "notifications signal");
    VIGIL_FUZZ_CHECK(f->after.empty() || vigil::LooksLikeUuid(f->after), "notifications cursor");
  } else {
    CheckErrorAnswer(f.status());
  }
  if (auto c = vigil::NotificationStatusChangeFrom(req); c.ok()) {
    VIGIL_FUZZ_CHECK(c->status == "pending" || c->status == "read" || c->status == "acted" || c->status == "dismissed",
                     "status %s", c->status.c_str());
    VIGIL_FUZZ_CHECK(c->action.empty() || c->status == "acted", "action without acted");
  } else {
    CheckErrorAnswer(c.status());
  }
  return 0;
}

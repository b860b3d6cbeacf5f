// WebhookWatcher: one `type: webhook` watcher's decision about one request, with no I/O. Given
// the request and the time, it either answers at once (wrong method, too big, not authentic,
// unreadable, not wanted) or hands back the Event to store; storing and answering 2xx after the
// commit is the daemon's part (daemon/http/hook_routes.h).
//
// Order of checks: method (405), the hook's size limit (413), verification (401: nothing of an
// unauthenticated body is parsed), content type (400), body parse (400), trigger rules (the
// watcher's mismatch_status, default 204). Every answer that is not 2xx carries a JSON body
// {"error": ..., "reason": ...} whose reason never holds a secret.
//
// Identity: the event's source_id is the delivery id (delivery_id: a header name or a JSON
// pointer; defaults per scheme; a hash of the body when none is found), so a redelivery is the
// same source_id and stores nothing new, while two deliveries about one PR are two events.
//
// Built once per configuration; immutable afterwards, so Decide may run on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/http/http_types.h"
#include "common/status.h"
#include "sources/webhook/event_mapping.h"
#include "sources/webhook/payload_projection.h"
#include "sources/webhook/signature.h"
#include "sources/webhook/trigger_rule.h"
#include "store/event.h"

namespace vigil {

// What became of a request, as counted in vigil_webhook_requests_total{outcome}.
enum class HookOutcome { kAccepted, kUnauthorized, kRejected, kInvalid };
const char* HookOutcomeName(HookOutcome outcome);  // "accepted", "unauthorized", ...

struct HookDecision {
  HookOutcome outcome = HookOutcome::kInvalid;
  HttpResponse response;  // to send now, unless accepted
  Event event;            // to store, when accepted
};

class WebhookWatcher {
 public:
  // Reads one `watchers[i]` entry (the config tree's JSON). `at` names it in errors
  // ("watchers[0]"); errors name the key path, e.g. "watchers[0].verify.scheme: unknown scheme".
  static Result<WebhookWatcher> From(const nlohmann::json& watcher, const std::string& at);

  HookDecision Decide(const HttpRequest& request, TimePoint now) const;

  const std::string& name() const { return name_; }
  const std::string& path() const { return path_; }  // "/hooks/<name>" unless configured
  const std::string& community() const { return community_; }
  const std::vector<std::string>& methods() const { return methods_; }
  // The verification scheme ("github", "hmac", ...), or nullptr when requests are not verified.
  const char* verify_scheme() const { return verify_ ? SchemeName(verify_->scheme) : nullptr; }
  bool has_trigger() const { return trigger_.has_value(); }

 private:
  std::optional<HttpResponse> CheckRequest(const HttpRequest& request, TimePoint now, HookOutcome* outcome) const;
  PayloadProfile ProfileFor(const HttpRequest& request) const;
  void BuildProjection();
  std::string DeliveryId(const HttpRequest& request, const nlohmann::json& payload) const;

  std::string name_;
  std::string path_;
  std::string community_;
  std::vector<std::string> methods_;
  std::optional<VerifySpec> verify_;
  std::optional<TriggerRule> trigger_;
  EventMapping mapping_;
  PayloadProjection projection_;  // every payload path the above and delivery_path_ read
  std::string delivery_header_;               // one of these two, or neither (body hash)
  std::optional<PayloadPath> delivery_path_;
  int mismatch_status_ = 204;
  size_t max_body_bytes_ = 0;  // 0: only the server-wide limit
};

}  // namespace vigil

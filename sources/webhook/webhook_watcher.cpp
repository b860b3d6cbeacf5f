#include "sources/webhook/webhook_watcher.h"

#include <openssl/evp.h>

#include <algorithm>

#include "common/ascii.h"
#include "common/hex.h"
#include "sources/webhook/request_values.h"

namespace vigil {
namespace {

using nlohmann::json;

// The reason may quote the request (its method, its Content-Type), which need not be UTF-8: such
// bytes are answered as U+FFFD rather than thrown as an exception out of Decide.
HttpResponse ErrorResponse(int status, const std::string& error, const std::string& reason) {
  return HttpResponse::Json(status, json{{"error", error}, {"reason", reason}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

// The media type of Content-Type without parameters, lower-cased; "" when absent.
std::string MediaType(const HttpRequest& request) {
  auto value = HeaderValue(request, "Content-Type");
  if (!value) return "";
  std::string type = AsciiLower(value->substr(0, value->find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  return type;
}

bool ReadableMediaType(const std::string& type) {
  return type.empty() || type == "application/json" || type.ends_with("+json") ||
         type == "application/x-www-form-urlencoded";
}

std::string BodyHash(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(body.data(), body.size(), digest, &size, EVP_sha256(), nullptr);
  return "sha256:" + HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

// The delivery id when no header or path gives one: the SHA-256 of the body, and of the query
// string when there is one, so that GET hooks and bodiless POSTs with different parameters are
// different deliveries.
std::string RequestHash(const HttpRequest& request) {
  return BodyHash(request.query.empty() ? request.body : "?" + request.query + "\n" + request.body);
}

// True when a JSON string in the body holds U+0000 (`\u0000`), or a form value holds %00:
// PostgreSQL's jsonb cannot store it, so such a delivery could never be committed there.
bool HoldsNulCharacter(const HttpRequest& request, bool form) {
  const std::string& b = request.body;
  if (form) {
    for (size_t at = b.find('%'); at != std::string::npos; at = b.find('%', at + 1)) {
      if (b.compare(at + 1, 2, "00") == 0) return true;
    }
    return false;
  }
  for (size_t at = b.find("u0000"); at != std::string::npos; at = b.find("u0000", at + 1)) {
    size_t slashes = 0;
    while (slashes < at && b[at - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 1) return true;  // an escaping backslash, not an escaped one
  }
  return false;
}

// raw_data: a JSON body as it came (already parsed once, so it is valid JSON), else the payload
// made of a form or a blank body.
void KeepPayload(const HttpRequest& request, const json& payload, Event& event) {
  bool blank = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (MediaType(request) == "application/x-www-form-urlencoded" || blank) event.raw_data = payload;
  else event.raw_json = request.body;
}

Status Err(const std::string& at, const std::string& key, const std::string& message) {
  return Status::Error(at + "." + key + ": " + message);
}

Result<std::vector<std::string>> ReadMethods(const json& w, const std::string& at) {
  if (!w.contains("methods")) return std::vector<std::string>{"POST"};
  std::vector<std::string> out;
  for (const auto& m : w["methods"]) {
    std::string name = m.get<std::string>();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (name.empty() || name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
      return Err(at, "methods", "\"" + m.get<std::string>() + "\" is not an HTTP method");
    out.push_back(name);
  }
  if (out.empty()) return Err(at, "methods", "must name at least one method");
  return out;
}

Result<std::string> ReadPath(const json& w, const std::string& at, const std::string& name) {
  std::string path = w.value("path", "/hooks/" + name);
  if (!path.starts_with("/hooks/") || path.size() == 7)
    return Err(at, "path", "\"" + path + "\" must start with /hooks/ (the daemon routes /hooks/* to webhook watchers)");
  if (path.find_first_of("?# ") != std::string::npos) return Err(at, "path", "\"" + path + "\" must be a plain path");
  return path;
}

// The default place of a delivery's id for a scheme ("" for none: the body hash).
std::string DefaultDeliveryId(const std::optional<VerifySpec>& verify) {
  if (!verify) return "X-GitHub-Delivery";  // harmless when absent: falls back to the body hash
  switch (verify->scheme) {
    case SignatureScheme::kGithub:
    case SignatureScheme::kGithubSha1: return "X-GitHub-Delivery";
    case SignatureScheme::kStripe: return "/id";
    case SignatureScheme::kSlack: return "/event_id";
    default: return "";
  }
}

}  // namespace

const char* HookOutcomeName(HookOutcome outcome) {
  switch (outcome) {
    case HookOutcome::kAccepted: return "accepted";
    case HookOutcome::kUnauthorized: return "unauthorized";
    case HookOutcome::kRejected: return "rejected";
    case HookOutcome::kInvalid: return "invalid";
  }
  return "?";
}

Result<WebhookWatcher> WebhookWatcher::From(const json& w, const std::string& at) {
  WebhookWatcher h;
  h.name_ = w.value("name", "");
  h.community_ = w.value("community", "");
  auto path = ReadPath(w, at, h.name_);
  if (!path.ok()) return path.status();
  h.path_ = *path;
  auto methods = ReadMethods(w, at);
  if (!methods.ok()) return methods.status();
  h.methods_ = *methods;
  if (w.contains("verify") && !w["verify"].is_null() && !AcceptsAnySender(w["verify"])) {
    auto spec = ParseVerifySpec(w["verify"], at + ".verify");
    if (!spec.ok()) return spec.status();
    h.verify_ = std::move(*spec);
  }
  if (w.contains("trigger") && !w["trigger"].is_null()) {
    auto rule = TriggerRule::Parse(w["trigger"], at + ".trigger");
    if (!rule.ok()) return rule.status();
    h.trigger_ = std::move(*rule);
  }
  auto mapping = EventMapping::Parse(w.value("mapping", json(nullptr)), at + ".mapping");
  if (!mapping.ok()) return mapping.status();
  h.mapping_ = std::move(*mapping);
  std::string delivery = w.value("delivery_id", DefaultDeliveryId(h.verify_));
  if (delivery.starts_with("/")) {
    auto p = PayloadPath::Parse(delivery);
    if (!p.ok()) return Err(at, "delivery_id", p.error());
    h.delivery_path_ = std::move(*p);
  } else {
    h.delivery_header_ = delivery;
  }
  h.BuildProjection();
  h.mismatch_status_ = static_cast<int>(w.value("mismatch_status", int64_t{204}));
  h.max_body_bytes_ = static_cast<size_t>(w.value("max_body_bytes", int64_t{0}));
  return h;
}

std::optional<HttpResponse> WebhookWatcher::CheckRequest(const HttpRequest& request, TimePoint now,
                                                         HookOutcome* outcome) const {
  *outcome = HookOutcome::kInvalid;
  if (std::find(methods_.begin(), methods_.end(), request.method) == methods_.end()) {
    auto res = ErrorResponse(405, "method not allowed", request.method + " is not accepted here");
    std::string allow;
    for (const auto& m : methods_) allow += (allow.empty() ? "" : ", ") + m;
    res.headers.emplace_back("Allow", allow);
    return res;
  }
  if (max_body_bytes_ > 0 && request.body.size() > max_body_bytes_)
    return ErrorResponse(413, "payload too large", "body exceeds this hook's limit of " + std::to_string(max_body_bytes_) + " bytes");
  if (verify_) {
    VerifyResult verdict = VerifyRequest(*verify_, request, now);
    if (!verdict.ok) {
      *outcome = HookOutcome::kUnauthorized;
      return ErrorResponse(401, "unauthorized", verdict.reason);
    }
  }
  std::string type = MediaType(request);
  if (!ReadableMediaType(type))
    return ErrorResponse(400, "unsupported content type",
                         "Content-Type \"" + type + "\" is not application/json or application/x-www-form-urlencoded");
  return std::nullopt;
}

void WebhookWatcher::BuildProjection() {
  auto add = [this](const PayloadPath& path) { projection_.Add(path); };
  for (const PayloadPath& path : DefaultEventPaths()) add(path);
  if (trigger_) trigger_->ForEachPayloadPath(add);
  mapping_.ForEachPayloadPath(add);
  if (delivery_path_) add(*delivery_path_);
}

PayloadProfile WebhookWatcher::ProfileFor(const HttpRequest& request) const {
  if (verify_) {
    switch (verify_->scheme) {
      case SignatureScheme::kGithub:
      case SignatureScheme::kGithubSha1: return PayloadProfile::kGithub;
      case SignatureScheme::kStripe: return PayloadProfile::kStripe;
      case SignatureScheme::kSlack: return PayloadProfile::kSlack;
      default: break;
    }
  }
  return HeaderValue(request, "X-GitHub-Event") ? PayloadProfile::kGithub : PayloadProfile::kGeneric;
}

std::string WebhookWatcher::DeliveryId(const HttpRequest& request, const json& payload) const {
  std::optional<std::string> id;
  if (delivery_path_) id = PayloadValue(payload, *delivery_path_);
  else if (!delivery_header_.empty()) id = HeaderValue(request, delivery_header_);
  if (id && !id->empty()) return *id;
  return RequestHash(request);
}

HookDecision WebhookWatcher::Decide(const HttpRequest& request, TimePoint now) const {
  HookDecision d;
  if (auto answer = CheckRequest(request, now, &d.outcome)) {
    d.response = std::move(*answer);
    return d;
  }
  auto payload = PayloadFromRequest(request, projection_);
  if (!payload.ok()) {
    d.outcome = HookOutcome::kInvalid;
    d.response = ErrorResponse(400, "malformed body", payload.error());
    return d;
  }
  if (HoldsNulCharacter(request, MediaType(request) == "application/x-www-form-urlencoded")) {
    d.outcome = HookOutcome::kInvalid;
    d.response = ErrorResponse(400, "malformed body", "a string holds the character U+0000, which vigil cannot store");
    return d;
  }
  if (trigger_ && !trigger_->Matches(request, *payload)) {
    d.outcome = HookOutcome::kRejected;
    d.response = mismatch_status_ == 204 || mismatch_status_ == 304
                     ? HttpResponse::Json(mismatch_status_, "")
                     : HttpResponse::Json(mismatch_status_, json{{"ignored", "trigger rules did not match"}}.dump());
    return d;
  }
  d.outcome = HookOutcome::kAccepted;
  d.event = DefaultEvent(ProfileFor(request), request, *payload);
  d.event.source_id = DeliveryId(request, *payload);
  KeepPayload(request, *payload, d.event);
  ApplyMapping(mapping_, request, *payload, d.event);
  if (d.event.source_id.empty()) d.event.source_id = RequestHash(request);
  return d;
}

}  // namespace vigil

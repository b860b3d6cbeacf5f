// A webhook watcher's decision (sources/webhook/webhook_watcher.h) on a request, for watchers of
// every verification scheme with trigger rules and a mapping, and the payload projection
// (sources/webhook/payload_projection.h) held to nlohmann's full parse.
// Input: watcher number (first byte, modulo the watchers below) \0 header lines "Name: value"
//        \0 query string \0 body.
// The request is signed as its scheme signs unless the header lines carry the signature header
// themselves, so the fuzzer reaches payload parsing, trigger rules and mapping.
// Properties besides not crashing: an answer that is not an acceptance is a JSON object with an
// "error" (or an empty 204/304); an accepted event has a source_id and keeps the body as received;
// the projection accepts exactly the bodies nlohmann accepts, and along every path of the parsed
// document (and the watchers' paths) it holds what the full parse holds.
#include <cstdint>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/hex.h"
#include "common/hmac.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/projection_check.h"
#include "sources/webhook/payload_projection.h"
#include "sources/webhook/webhook_watcher.h"

namespace {

using nlohmann::json;
using vigil::HttpRequest;

const vigil::TimePoint kNow = vigil::TimePoint(std::chrono::seconds(1700000000));
const char* kSecret = "It's a Secret to Everybody";

const json kTrigger = json::parse(R"({"or": [
  {"and": [{"match": {"type": "value", "source": "header", "name": "X-GitHub-Event", "value": "push"}},
           {"match": {"type": "regex", "regex": "^refs/heads/(main|release/.*)$", "source": "payload", "name": "ref"}}]},
  {"and": [{"match": {"type": "value", "source": "payload", "name": "/pull_request/state", "value": "open"}},
           {"not": {"match": {"type": "value", "source": "query", "name": "skip", "value": "1"}}}]},
  {"match": {"type": "value", "source": "payload", "name": "commits.0.distinct", "value": true}}]})");
const json kMapping = json::parse(R"({"title": "{{repository.full_name}}: {{header:X-GitHub-Event}} {{/action}}",
  "summary": "{{/head_commit/message}}{{/pull_request/body}}", "source_url": "/repository/html_url",
  "metadata": {"pusher": "/pusher/name", "labels": "/pull_request/labels", "head": "{{/after}}{{/pull_request/head/sha}}"}})");

std::vector<vigil::WebhookWatcher> MakeWatchers() {
  std::vector<json> configs = {
      {{"verify", {{"scheme", "github"}, {"secret", kSecret}}}, {"trigger", kTrigger}, {"mapping", kMapping}},
      {{"verify", {{"scheme", "github-sha1"}, {"secret", kSecret}}}, {"delivery_id", "/hook_id"}},
      {{"verify", {{"scheme", "stripe"}, {"secret", kSecret}}}},
      {{"verify", {{"scheme", "slack"}, {"secret", kSecret}}}, {"mismatch_status", 202}, {"trigger", kTrigger}},
      {{"verify", {{"scheme", "hmac"}, {"secret", kSecret}, {"header", "X-Signature"}, {"algorithm", "sha512"},
                   {"encoding", "base64"}, {"prefix", "sha512="}, {"prefix_optional", true}}},
       {"mapping", kMapping}, {"delivery_id", "commits.1.id"}, {"max_body_bytes", 32768}},
      {{"verify", {{"scheme", "token"}, {"secret", kSecret}, {"header", "Authorization"}}}, {"trigger", kTrigger}},
      {{"community", "open"}, {"mapping", kMapping}},
  };
  std::vector<vigil::WebhookWatcher> watchers;
  for (size_t i = 0; i < configs.size(); ++i) {
    json& w = configs[i];
    w["name"] = "hook" + std::to_string(i);
    w["type"] = "webhook";
    auto hook = vigil::WebhookWatcher::From(w, "watchers[" + std::to_string(i) + "]");
    if (!hook.ok()) {
      std::fprintf(stderr, "fuzz watcher %zu: %s\n", i, hook.error().c_str());
      std::abort();
    }
    watchers.push_back(std::move(*hook));
  }
  return watchers;
}

void AddHeaderLines(HttpRequest& r, std::string_view lines) {
  while (!lines.empty()) {
    size_t nl = lines.find('\n');
    std::string_view line = lines.substr(0, nl);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    if (nl == std::string_view::npos) break;
    lines.remove_prefix(nl + 1);
  }
}

// The header a scheme signs with, and its value for this body.
std::pair<std::string, std::string> Signature(size_t watcher, const std::string& body) {
  const std::string ts = "1700000000";
  switch (watcher) {
    case 0: return {"X-Hub-Signature-256", "sha256=" + vigil::HexEncode(vigil::HmacSha256(kSecret, body))};
    case 1: return {"X-Hub-Signature", "sha1=" + vigil::HexEncode(vigil::Hmac(vigil::HmacAlgorithm::kSha1, kSecret, body))};
    case 2: return {"Stripe-Signature", "t=" + ts + ",v1=" + vigil::HexEncode(vigil::HmacSha256(kSecret, ts + "." + body))};
    case 3: return {"X-Slack-Signature", "v0=" + vigil::HexEncode(vigil::HmacSha256(kSecret, "v0:" + ts + ":" + body))};
    case 4: return {"X-Signature", vigil::Base64Encode(vigil::Hmac(vigil::HmacAlgorithm::kSha512, kSecret, body))};
    case 5: return {"Authorization", std::string("Bearer ") + kSecret};
    default: return {};
  }
}

void CheckDecision(const vigil::HookDecision& d, const HttpRequest& r) {
  if (d.outcome == vigil::HookOutcome::kAccepted) {
    VIGIL_FUZZ_CHECK(!d.event.source_id.empty(), "accepted event without source_id");
    VIGIL_FUZZ_CHECK(d.event.raw_json.empty() || d.event.raw_json == r.body, "raw_json is not the body");
    (void)d.event.source_metadata.dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  if (d.response.body.empty() && (d.response.status == 204 || d.response.status == 304)) return;
  json body = json::parse(d.response.body, nullptr, false);
  VIGIL_FUZZ_CHECK(body.is_object() && (body.contains("error") || body.contains("ignored")), "answer %d: %s",
                   d.response.status, d.response.body.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<vigil::WebhookWatcher> watchers = MakeWatchers();
  if (size == 0) return 0;
  size_t which = data[0] % watchers.size();
  auto fields = vigil::fuzz::SplitFields(data + 1, size - 1, 4);
  HttpRequest r;
  r.method = "POST";
  r.path = watchers[which].path();
  r.query = fields[2];
  r.target = r.path + (r.query.empty() ? "" : "?" + r.query);
  r.remote_addr = "127.0.0.1";
  r.body = fields[3];
  AddHeaderLines(r, fields[1]);
  if (which == 3) r.headers.emplace_back("X-Slack-Request-Timestamp", "1700000000");
  auto [name, value] = Signature(which, r.body);
  if (!name.empty() && r.Header(name) == nullptr) r.headers.emplace_back(name, value);
  CheckDecision(watchers[which].Decide(r, kNow), r);
  vigil::fuzz::CheckProjectionAgainstFullParse(r.body);
  return 0;
}

// How a webhook request becomes an Event's fields: a watcher's `mapping:` block, and the defaults
// each sender gets when the block leaves a field out (GitHub, Stripe, Slack, or generic).
//
// A mapped value is either a JSON pointer ("/pull_request/title"), which keeps the JSON type of
// what it finds, or a template: text with {{...}} placeholders, each a payload path (pointer or
// dotted, see PayloadPath) or `header:Name`; a placeholder that finds nothing renders empty.
// Parsed once at configuration time; immutable afterwards, so any thread may render.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http/http_types.h"
#include "common/status.h"
#include "sources/webhook/request_values.h"
#include "store/event.h"

namespace vigil {

class FieldTemplate {
 public:
  // Errors name `path`: an empty value, an unclosed "{{", a bad path inside one.
  static Result<FieldTemplate> Parse(const std::string& text, const std::string& path);

  // A pointer's value as found (null if absent); a template's text.
  nlohmann::json Render(const HttpRequest& request, const nlohmann::json& payload) const;
  // The same as text ("" for absent; non-strings as their JSON text).
  std::string RenderText(const HttpRequest& request, const nlohmann::json& payload) const;
  // Calls `visit` with each payload path the template reads.
  void ForEachPayloadPath(const std::function<void(const PayloadPath&)>& visit) const;

 private:
  struct Piece {
    std::string literal;
    std::optional<PayloadPath> path;
    std::string header;  // non-empty: a header placeholder
  };
  std::vector<Piece> pieces_;
  bool single_pointer_ = false;
};

struct EventMapping {
  std::optional<FieldTemplate> title, summary, source_id, source_url;
  std::vector<std::pair<std::string, FieldTemplate>> metadata;

  // Reads a `mapping:` block; null means no mapping. Errors name the key path under `path`.
  static Result<EventMapping> Parse(const nlohmann::json& j, const std::string& path);
  // Calls `visit` with each payload path any of the fields reads.
  void ForEachPayloadPath(const std::function<void(const PayloadPath&)>& visit) const;
};

// Whose conventions fill the fields a mapping leaves out.
enum class PayloadProfile { kGeneric, kGithub, kStripe, kSlack };

// The event a sender's payload makes by default. GitHub (see the .cpp for the exact shape): title
// "<repo>: <event> <action> #<n> <subject>", summary the PR/issue/release body or head commit,
// source_url the subject's html_url, and source_metadata {event, repository, action, sender,
// number, title, html_url, ref} as far as present. source_id is left to the caller (the delivery
// id), and so is raw_data (WebhookWatcher keeps the body or the payload).
Event DefaultEvent(PayloadProfile profile, const HttpRequest& request, const nlohmann::json& payload);

// Every payload path DefaultEvent reads, for any profile (a value found at one is read whole).
const std::vector<PayloadPath>& DefaultEventPaths();

// Applies a mapping over the defaults: each field the mapping sets replaces the default, and
// metadata keys are merged in.
void ApplyMapping(const EventMapping& mapping, const HttpRequest& request, const nlohmann::json& payload, Event& event);

}  // namespace vigil

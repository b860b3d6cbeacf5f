#include "sources/webhook/event_mapping.h"

#include "common/utf8_cut.h"
#include "config/key_hint.h"

namespace vigil {
namespace {

using nlohmann::json;

// Summaries are for people scanning a list; the whole payload stays in raw_data.
constexpr size_t kMaxSummaryBytes = 4000;

// The value at a fixed pointer, or nullptr if absent or null (a step through the wrong type is
// absent, not an error: payloads are whatever the sender sent).
const json* At(const json& payload, const char* pointer) {
  try {
    json::json_pointer p(pointer);
    if (!payload.is_object() || !payload.contains(p)) return nullptr;
    const json& v = payload.at(p);
    return v.is_null() ? nullptr : &v;
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::string TextAt(const json& payload, const char* pointer) {
  const json* v = At(payload, pointer);
  return v ? JsonValueText(*v) : std::string();
}

void PutIfPresent(json& out, const char* key, const json* value) {
  if (value && !(value->is_string() && value->get<std::string>().empty())) out[key] = *value;
}

std::string JoinNonEmpty(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!p.empty()) out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

// The objects a GitHub delivery may be about, in order of preference, and what is read of them.
constexpr const char* kGithubSubjects[] = {"pull_request", "issue", "discussion", "release",
                                           "workflow_run", "check_run", "deployment"};
constexpr const char* kGithubSubjectFields[] = {"number", "title", "name", "tag_name", "html_url", "body", "conclusion"};

// The object a GitHub delivery is about (its own identity goes into source_metadata).
const char* GithubSubject(const json& payload) {
  for (const char* key : kGithubSubjects) {
    if (payload.is_object() && payload.contains(key) && payload[key].is_object()) return key;
  }
  return nullptr;
}

Event GithubEvent(const HttpRequest& request, const json& payload) {
  Event e;
  std::string kind = HeaderValue(request, "X-GitHub-Event").value_or("");
  json& md = e.source_metadata;
  if (!kind.empty()) md["event"] = kind;
  PutIfPresent(md, "repository", At(payload, "/repository/full_name"));
  PutIfPresent(md, "action", At(payload, "/action"));
  PutIfPresent(md, "sender", At(payload, "/sender/login"));
  std::string subject_title;
  if (const char* subject = GithubSubject(payload)) {
    std::string base = std::string("/") + subject;
    PutIfPresent(md, "number", At(payload, (base + "/number").c_str()));
    subject_title = TextAt(payload, (base + "/title").c_str());
    if (subject_title.empty()) subject_title = TextAt(payload, (base + "/name").c_str());
    if (subject_title.empty()) subject_title = TextAt(payload, (base + "/tag_name").c_str());
    e.source_url = TextAt(payload, (base + "/html_url").c_str());
    e.summary = TextAt(payload, (base + "/body").c_str());
    if (e.summary.empty()) e.summary = TextAt(payload, (base + "/conclusion").c_str());
  } else if (At(payload, "/ref")) {  // push
    PutIfPresent(md, "ref", At(payload, "/ref"));
    subject_title = TextAt(payload, "/ref");
    e.source_url = TextAt(payload, "/compare");
    e.summary = TextAt(payload, "/head_commit/message");
  } else {  // ping and events without a subject
    e.source_url = TextAt(payload, "/repository/html_url");
    e.summary = TextAt(payload, "/zen");
  }
  if (!subject_title.empty()) md["title"] = subject_title;
  if (!e.source_url.empty()) md["html_url"] = e.source_url;
  std::string number = md.contains("number") ? "#" + JsonValueText(md["number"]) : "";
  std::string what = JoinNonEmpty({kind.empty() ? "webhook" : kind, TextAt(payload, "/action"), number, subject_title});
  std::string repo = TextAt(payload, "/repository/full_name");
  e.title = repo.empty() ? what : repo + ": " + what;
  return e;
}

Event StripeEvent(const json& payload) {
  Event e;
  json& md = e.source_metadata;
  PutIfPresent(md, "type", At(payload, "/type"));
  PutIfPresent(md, "livemode", At(payload, "/livemode"));
  PutIfPresent(md, "object", At(payload, "/data/object/object"));
  PutIfPresent(md, "object_id", At(payload, "/data/object/id"));
  e.title = JoinNonEmpty({"stripe:", TextAt(payload, "/type"), TextAt(payload, "/data/object/id")});
  e.summary = TextAt(payload, "/data/object/description");
  return e;
}

Event SlackEvent(const json& payload) {
  Event e;
  json& md = e.source_metadata;
  std::string type = TextAt(payload, "/event/type");
  if (type.empty()) type = TextAt(payload, "/type");
  if (!type.empty()) md["type"] = type;
  PutIfPresent(md, "team_id", At(payload, "/team_id"));
  PutIfPresent(md, "channel", At(payload, "/event/channel"));
  PutIfPresent(md, "user", At(payload, "/event/user"));
  if (!md.contains("user")) PutIfPresent(md, "user", At(payload, "/user/id"));
  e.title = JoinNonEmpty({"slack:", type});
  e.summary = TextAt(payload, "/event/text");
  return e;
}

Event GenericEvent(const json& payload) {
  Event e;
  for (const char* p : {"/title", "/name", "/subject", "/event", "/type"}) {
    if (e.title.empty()) e.title = TextAt(payload, p);
  }
  if (e.title.empty()) e.title = "webhook delivery";
  for (const char* p : {"/summary", "/message", "/text", "/description"}) {
    if (e.summary.empty()) e.summary = TextAt(payload, p);
  }
  for (const char* p : {"/html_url", "/url", "/link"}) {
    if (e.source_url.empty()) e.source_url = TextAt(payload, p);
  }
  return e;
}

// The fixed pointers the profiles above read besides the GitHub subject's fields; keep in step
// with them (the projection tests compare every profile's event against a full parse).
constexpr const char* kDefaultPointers[] = {
    // GitHub
    "/repository/full_name", "/action", "/sender/login", "/ref", "/compare", "/head_commit/message",
    "/repository/html_url", "/zen",
    // Stripe
    "/type", "/livemode", "/data/object/object", "/data/object/id", "/data/object/description",
    // Slack
    "/event/type", "/team_id", "/event/channel", "/event/user", "/user/id", "/event/text",
    // generic
    "/title", "/name", "/subject", "/event", "/summary", "/message", "/text", "/description", "/html_url", "/url",
    "/link"};

std::vector<PayloadPath> MakeDefaultEventPaths() {
  std::vector<PayloadPath> paths;
  for (const char* pointer : kDefaultPointers) paths.push_back(*PayloadPath::Parse(pointer));
  for (const char* subject : kGithubSubjects) {
    for (const char* field : kGithubSubjectFields)
      paths.push_back(*PayloadPath::Parse(std::string("/") + subject + "/" + field));
  }
  return paths;
}

Result<FieldTemplate> Error(const std::string& path, const std::string& message) {
  return Status::Error(path + ": " + message);
}

}  // namespace

Result<FieldTemplate> FieldTemplate::Parse(const std::string& text, const std::string& path) {
  if (text.empty()) return Error(path, "must not be empty");
  FieldTemplate t;
  if (text.front() == '/') {
    auto p = PayloadPath::Parse(text);
    if (!p.ok()) return Error(path, p.error());
    t.pieces_.push_back({"", *p, ""});
    t.single_pointer_ = true;
    return t;
  }
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string::npos) {
      t.pieces_.push_back({text.substr(i), std::nullopt, ""});
      break;
    }
    if (open > i) t.pieces_.push_back({text.substr(i, open - i), std::nullopt, ""});
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) return Error(path, "unclosed {{ in \"" + text + "\"");
    std::string inner = text.substr(open + 2, close - open - 2);
    while (!inner.empty() && inner.front() == ' ') inner.erase(0, 1);
    while (!inner.empty() && inner.back() == ' ') inner.pop_back();
    if (inner.starts_with("header:") && inner.size() > 7) {
      t.pieces_.push_back({"", std::nullopt, inner.substr(7)});
    } else {
      auto p = PayloadPath::Parse(inner);
      if (!p.ok()) return Error(path, "{{" + inner + "}}: " + p.error());
      t.pieces_.push_back({"", *p, ""});
    }
    i = close + 2;
  }
  return t;
}

json FieldTemplate::Render(const HttpRequest& request, const json& payload) const {
  if (single_pointer_) {
    const json* v = pieces_[0].path->Find(payload);
    return v ? *v : json(nullptr);
  }
  return RenderText(request, payload);
}

std::string FieldTemplate::RenderText(const HttpRequest& request, const json& payload) const {
  std::string out;
  for (const Piece& piece : pieces_) {
    if (piece.path) {
      const json* v = piece.path->Find(payload);
      if (v && !v->is_null()) out += JsonValueText(*v);
    } else if (!piece.header.empty()) {
      out += HeaderValue(request, piece.header).value_or("");
    } else {
      out += piece.literal;
    }
  }
  return out;
}

void FieldTemplate::ForEachPayloadPath(const std::function<void(const PayloadPath&)>& visit) const {
  for (const Piece& piece : pieces_) {
    if (piece.path) visit(*piece.path);
  }
}

void EventMapping::ForEachPayloadPath(const std::function<void(const PayloadPath&)>& visit) const {
  for (const auto* field : {&title, &summary, &source_id, &source_url}) {
    if (*field) (*field)->ForEachPayloadPath(visit);
  }
  for (const auto& [key, t] : metadata) t.ForEachPayloadPath(visit);
}

const std::vector<PayloadPath>& DefaultEventPaths() {
  static const std::vector<PayloadPath> paths = MakeDefaultEventPaths();
  return paths;
}

Result<EventMapping> EventMapping::Parse(const json& j, const std::string& path) {
  EventMapping m;
  if (j.is_null()) return m;
  if (!j.is_object()) return Status::Error(path + ": must be a mapping");
  for (const auto& [key, value] : j.items()) {
    std::string at = path + "." + key;
    if (key == "metadata") {
      if (!value.is_object()) return Status::Error(at + ": must be a mapping of names to values");
      for (const auto& [mkey, mvalue] : value.items()) {
        if (!mvalue.is_string()) return Status::Error(at + "." + mkey + ": must be a JSON pointer or a template");
        auto t = FieldTemplate::Parse(mvalue.get<std::string>(), at + "." + mkey);
        if (!t.ok()) return t.status();
        m.metadata.emplace_back(mkey, std::move(*t));
      }
      continue;
    }
    std::optional<FieldTemplate>* field = key == "title" ? &m.title
                                          : key == "summary" ? &m.summary
                                          : key == "source_id" ? &m.source_id
                                          : key == "source_url" ? &m.source_url
                                                                 : nullptr;
    if (!field) return Status::Error(at + ": " + UnknownKeyMessage(key, {"title", "summary", "source_id", "source_url", "metadata"}));
    if (!value.is_string()) return Status::Error(at + ": must be a JSON pointer or a template");
    auto t = FieldTemplate::Parse(value.get<std::string>(), at);
    if (!t.ok()) return t.status();
    *field = std::move(*t);
  }
  return m;
}

Event DefaultEvent(PayloadProfile profile, const HttpRequest& request, const json& payload) {
  Event e;
  switch (profile) {
    case PayloadProfile::kGithub: e = GithubEvent(request, payload); break;
    case PayloadProfile::kStripe: e = StripeEvent(payload); break;
    case PayloadProfile::kSlack: e = SlackEvent(payload); break;
    case PayloadProfile::kGeneric: e = GenericEvent(payload); break;
  }
  e.source_type = "webhook";
  e.summary = ShortenUtf8(e.summary, kMaxSummaryBytes);
  return e;
}

void ApplyMapping(const EventMapping& mapping, const HttpRequest& request, const json& payload, Event& event) {
  if (mapping.title) event.title = mapping.title->RenderText(request, payload);
  if (mapping.summary) event.summary = ShortenUtf8(mapping.summary->RenderText(request, payload), kMaxSummaryBytes);
  if (mapping.source_id) event.source_id = mapping.source_id->RenderText(request, payload);
  if (mapping.source_url) event.source_url = mapping.source_url->RenderText(request, payload);
  for (const auto& [key, t] : mapping.metadata) event.source_metadata[key] = t.Render(request, payload);
}

}  // namespace vigil

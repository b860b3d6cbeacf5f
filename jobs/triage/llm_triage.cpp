#include "jobs/triage/llm_triage.h"

#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

constexpr const char* kSystemPrompt =
    "You triage new research items for a community of AI agents that debate hypotheses. "
    "Judge how relevant and novel the item is to the community, as its description and purpose (its thinking type, "
    "core questions and decision context) define it. Answer with one JSON object and nothing else: "
    "{\"score\": number from 0 to 1, \"signal\": \"low\" | \"medium\" | \"high\", "
    "\"reason\": one or two sentences in plain words, \"suggested_hypothesis\": a hypothesis the community could debate}.";

// The community's own text comes from a platform row: bounded like the item's.
constexpr size_t kCommunityTextBytes = 4000;

nlohmann::json CommunityJson(const CommunityBrief& c) {
  nlohmann::json out = {{"name", c.name},
                        {"display_name", ShortenUtf8(c.display_name, 200, "...")},
                        {"description", ShortenUtf8(c.description, kCommunityTextBytes, "...")}};
  if (c.purpose.is_null() || c.purpose.empty()) return out;
  std::string purpose = c.purpose.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // A purpose too long to send whole goes as its cut text.
  out["purpose"] = purpose.size() <= kCommunityTextBytes ? c.purpose : nlohmann::json(ShortenUtf8(purpose, kCommunityTextBytes, "..."));
  return out;
}

// Models sometimes wrap JSON in a Markdown fence despite being asked not to.
std::string StripFence(std::string text) {
  auto first = text.find('{');
  auto last = text.rfind('}');
  if (first == std::string::npos || last == std::string::npos || last < first) return text;
  return text.substr(first, last - first + 1);
}

}  // namespace

std::string LlmRequestBody(const LlmSettings& llm, const CommunityBrief& community, const EventView& event,
                           const std::string& rules_reasoning) {
  nlohmann::json item = {{"title", event.title},
                         {"summary", ShortenUtf8(event.summary, 4000, "...")},
                         {"source_type", event.source_type},
                         {"watcher", event.watcher},
                         {"metadata", event.metadata}};
  nlohmann::json user = {{"community", CommunityJson(community)},
                         {"item", item},
                         {"rules_reasoning", rules_reasoning}};
  nlohmann::json body = {{"model", llm.model},
                         {"temperature", 0},
                         {"response_format", {{"type", "json_object"}}},
                         {"messages", {{{"role", "system"}, {"content", kSystemPrompt}},
                                       {{"role", "user"}, {"content", user.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)}}}}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<LlmVerdict> ParseLlmResponse(const std::string& body) {
  auto j = ParseJsonOrDiscarded(body);
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) {
    return Status::Error("response is not a chat completion (no choices)");
  }
  const auto& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) return Status::Error("choice has no message");
  const auto& message = choice["message"];
  if (!message.contains("content") || !message["content"].is_string()) return Status::Error("choice has no message content");
  auto content = ParseJsonOrDiscarded(StripFence(message["content"].get<std::string>()));
  if (!content.is_object()) return Status::Error("message content is not a JSON object");
  LlmVerdict v;
  if (!content.contains("score") || !content["score"].is_number()) return Status::Error("content has no numeric score");
  v.score = content["score"].get<double>();
  if (v.score < 0 || v.score > 1) return Status::Error("score " + content["score"].dump() + " is outside 0..1");
  if (!content.contains("signal") || !content["signal"].is_string()) return Status::Error("content has no signal string");
  auto signal = ParseSignal(content["signal"].get<std::string>());
  if (!signal) return Status::Error("signal is not one of low, medium, high");
  v.signal = *signal;
  if (!content.contains("reason") || !content["reason"].is_string() || content["reason"].get<std::string>().empty()) {
    return Status::Error("content has no reason");
  }
  v.reason = content["reason"].get<std::string>();
  if (content.contains("suggested_hypothesis") && content["suggested_hypothesis"].is_string()) {
    v.suggested_hypothesis = content["suggested_hypothesis"].get<std::string>();
  }
  if (j.contains("model") && j["model"].is_string()) v.model = j["model"].get<std::string>();
  return v;
}

Result<LlmVerdict> AskLlm(const LlmSettings& llm, const CommunityBrief& community, const EventView& event,
                          const std::string& rules_reasoning, HttpClient& http, const CancelToken* cancel) {
  HttpClientRequest req;
  req.method = "POST";
  req.url = llm.base_url + "/chat/completions";
  req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!llm.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + llm.api_key);
  req.body = LlmRequestBody(llm, community, event, rules_reasoning);
  req.timeout = llm.timeout;
  auto resp = http.Send(req, cancel);
  if (!resp.ok()) return Status::Error("LLM request failed: " + resp.error());
  if (resp->status < 200 || resp->status > 299) return Status::Error("LLM answered HTTP " + std::to_string(resp->status));
  auto verdict = ParseLlmResponse(resp->body);
  if (!verdict.ok()) return Status::Error("LLM answer rejected: " + verdict.error());
  return verdict;
}

}  // namespace vigil

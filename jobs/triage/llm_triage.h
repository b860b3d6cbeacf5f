// LLM triage: asks an OpenAI-compatible chat-completions endpoint to judge one event for one
// community, and validates the answer. The model is asked for a JSON object
//   {"score": 0..1, "signal": "low"|"medium"|"high", "reason": "...", "suggested_hypothesis": "..."}
// (response_format json_object); anything else (a non-2xx status, a transport error or timeout, a
// body that is not the chat-completion shape, content that is not that object, a score out of
// range) is an error, and the caller falls back to the rules.
//
// Threads: any worker thread; blocking (one HTTP request, bounded by the settings' timeout).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "common/status.h"
#include "jobs/triage/triage_config.h"
#include "jobs/triage/triage_rules.h"

namespace vigil {

// What the model is told of the community: its subreddits row's text (the platform's own, for a
// community the platform made), with the config's for what the row leaves empty.
struct CommunityBrief {
  std::string name;
  std::string display_name;
  std::string description;
  nlohmann::json purpose;  // thinking type, core questions, decision context; null or {}: none
};

struct LlmVerdict {
  double score = 0;
  Signal signal = Signal::kLow;
  std::string reason;
  std::string suggested_hypothesis;  // may be empty
  std::string model;                 // as the response names it
};

// The request body sent for an event (public so tests can check the prompt carries the rules and
// the community's description and purpose).
std::string LlmRequestBody(const LlmSettings& llm, const CommunityBrief& community, const EventView& event,
                           const std::string& rules_reasoning);

// Parses a chat-completion response body into a verdict; errors say what was wrong.
Result<LlmVerdict> ParseLlmResponse(const std::string& body);

Result<LlmVerdict> AskLlm(const LlmSettings& llm, const CommunityBrief& community, const EventView& event,
                          const std::string& rules_reasoning, HttpClient& http, const CancelToken* cancel);

}  // namespace vigil

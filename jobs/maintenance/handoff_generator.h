// HandoffGenerator: writes a context-backup handoff note (the six sections GOAL / DECISIONS MADE /
// CURRENT STATUS / ACTIVE FILE / PREFERENCES / RESUME INSTRUCTION) from a conversation's recent
// messages. ChatCompletionsGenerator asks an OpenAI-compatible endpoint: POST
// {base_url}/chat/completions with the decrypted transcript, bounded to the model's context.
//
// The transcript is plaintext held in memory only: it goes into the request body and nowhere
// else; errors name the endpoint and status, never a message or the response body.
// Threads: Generate blocks (HTTP); call it on a worker thread. Any thread may hold the object.
#pragma once

#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/http/http_client.h"
#include "common/status.h"

namespace vigil {

struct ChatMessage {
  std::string role;  // "user" | "assistant" | "system"
  std::string content;
};

inline const char* const kHandoffSections[] = {"GOAL", "DECISIONS MADE", "CURRENT STATUS", "ACTIVE FILE",
                                                "PREFERENCES", "RESUME INSTRUCTION"};

class HandoffGenerator {
 public:
  virtual ~HandoffGenerator() = default;
  // The note for `model_id`'s side of a conversation; an error when the endpoint fails.
  virtual Result<std::string> Generate(const std::string& model_id, const std::vector<ChatMessage>& transcript,
                                       const CancelToken* cancel) = 0;
};

struct GeneratorSpec {
  std::string base_url = "https://api.openai.com/v1";
  std::string model = "gpt-4o-mini";
  std::string api_key;
  int max_input_tokens = 12000;  // transcript budget, chars / 4
  std::chrono::milliseconds timeout{120000};
};

class ChatCompletionsGenerator : public HandoffGenerator {
 public:
  ChatCompletionsGenerator(HttpClient& http, GeneratorSpec spec) : http_(http), spec_(std::move(spec)) {}
  Result<std::string> Generate(const std::string& model_id, const std::vector<ChatMessage>& transcript,
                               const CancelToken* cancel) override;

 private:
  HttpClient& http_;
  GeneratorSpec spec_;
};

// The newest messages whose total chars / 4 fits `max_tokens` (oldest first); a single message
// larger than the budget keeps its last part.
std::vector<ChatMessage> FitToBudget(const std::vector<ChatMessage>& messages, int max_tokens);

// `note` with every missing section heading appended ("SECTION:\n(not stated)"), so a note
// always has all six sections whatever the model wrote.
std::string WithAllSections(std::string note);

}  // namespace vigil

// HandoffGenerator: writes a context-backup handoff note (the six sections GOAL / DECISIONS MADE /
// CURRENT STATUS / ACTIVE FILE / PREFERENCES / RESUME INSTRUCTION) from the pair's previous note
// and the conversation's messages since. Two kinds: ExtractiveGenerator (extractive_handoff.h),
// the default, which never leaves the machine; ChatCompletionsGenerator, only when the config has
// a `generator:` block, which sends the decrypted transcript to an OpenAI-compatible endpoint
// (POST {base_url}/chat/completions), bounded to the model's input budget.
//
// The transcript is plaintext held in memory only: it goes into the request body and nowhere
// else; errors name the endpoint and status, never a message or the response body.
// Threads: Generate blocks (HTTP); call it on a worker thread. Any thread may hold the object.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
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

// What a note is made from: the pair's previous note ("" for the first) and the messages since it.
struct HandoffInput {
  std::string model_id;
  std::string previous_note;
  std::vector<ChatMessage> transcript;  // oldest first
};

struct HandoffNote {
  std::string text;                  // always has the six headings
  std::vector<std::string> missing;  // sections the generator did not write, marked as missing in `text`
};

class HandoffGenerator {
 public:
  virtual ~HandoffGenerator() = default;
  // The note for `model_id`'s side of a conversation; an error when the endpoint fails.
  virtual Result<HandoffNote> Generate(const HandoffInput& input, const CancelToken* cancel) = 0;
  // "extractive" or "chat_completions", for the job's summary.
  virtual const char* kind() const = 0;
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
  // Asks once; when the answer lacks sections, asks once more, naming them; what is still missing
  // then is marked in the note and listed in `missing`.
  Result<HandoffNote> Generate(const HandoffInput& input, const CancelToken* cancel) override;
  const char* kind() const override { return "chat_completions"; }

 private:
  Result<std::string> Ask(const nlohmann::json& messages, const CancelToken* cancel);

  HttpClient& http_;
  GeneratorSpec spec_;
};

// The newest messages whose total chars / 4 fits `max_tokens` (oldest first); a single message
// larger than the budget keeps its last part.
std::vector<ChatMessage> FitToBudget(const std::vector<ChatMessage>& messages, int max_tokens);

// The sections of `note` by heading (a line "GOAL:" or "GOAL: text" starts one; it runs to the
// next heading), each body trimmed; headings absent from the note are absent from the map.
std::map<std::string, std::string> NoteSections(const std::string& note);

// The six headings `note` lacks, in their order.
std::vector<std::string> MissingSections(const std::string& note);

// `note` with each of `missing` appended as "SECTION:\n(missing: the generator did not write this
// section)", so a stored note always has all six headings and says which ones are not the model's.
std::string MarkMissing(std::string note, const std::vector<std::string>& missing);

// The previous note cut to a third of the budget (chars / 4; on a character boundary) and the
// newest messages that fit the rest: what a remote generator is given.
struct FittedInput {
  std::string previous_note;
  std::vector<ChatMessage> transcript;
};
FittedInput FitInput(const HandoffInput& input, int max_tokens);

}  // namespace vigil

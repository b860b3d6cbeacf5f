#include "jobs/maintenance/handoff_generator.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_depth.h"
#include "common/utf8_cut.h"

namespace vigil {
namespace {

std::string Instructions(const std::string& model_id) {
  std::string s =
      "You write a context handoff note so that a new context window of the model '" + model_id +
      "' can resume this conversation without re-briefing. Answer with exactly these six sections, "
      "each heading in capitals on its own line followed by a colon:";
  for (const char* section : kHandoffSections) s += std::string("\n") + section + ":";
  return s + "\nBe concise and factual; write only what the transcript supports.";
}

std::string TranscriptText(const std::vector<ChatMessage>& transcript) {
  std::string text;
  for (const auto& m : transcript) text += "[" + m.role + "]\n" + m.content + "\n\n";
  return text;
}

}  // namespace

std::vector<ChatMessage> FitToBudget(const std::vector<ChatMessage>& messages, int max_tokens) {
  size_t budget = static_cast<size_t>(std::max(max_tokens, 1)) * 4;
  std::vector<ChatMessage> kept;
  size_t used = 0;
  for (auto it = messages.rbegin(); it != messages.rend() && used < budget; ++it) {
    ChatMessage m = *it;
    bool cut = used + m.content.size() > budget;
    if (cut) m.content = std::string(Utf8Tail(m.content, budget - used));  // whole characters only
    used += m.content.size();
    kept.push_back(std::move(m));
    if (cut) break;  // older messages would only add a few stray bytes
  }
  return {kept.rbegin(), kept.rend()};
}

std::string WithAllSections(std::string note) {
  for (const char* section : kHandoffSections) {
    if (note.find(std::string(section) + ":") != std::string::npos) continue;
    if (!note.empty() && note.back() != '\n') note += "\n";
    note += std::string(section) + ":\n(not stated)\n";
  }
  return note;
}

Result<std::string> ChatCompletionsGenerator::Generate(const std::string& model_id,
                                                       const std::vector<ChatMessage>& transcript,
                                                       const CancelToken* cancel) {
  auto fitted = FitToBudget(transcript, spec_.max_input_tokens);
  nlohmann::json body = {{"model", spec_.model},
                         {"temperature", 0},
                         {"messages",
                          {{{"role", "system"}, {"content", Instructions(model_id)}},
                           {{"role", "user"}, {"content", TranscriptText(fitted)}}}}};
  HttpClientRequest req;
  req.method = "POST";
  req.url = spec_.base_url + (spec_.base_url.ends_with("/") ? "" : "/") + "chat/completions";
  req.headers = {{"Content-Type", "application/json"}};
  if (!spec_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + spec_.api_key);
  req.body = body.dump();
  req.timeout = spec_.timeout;
  auto res = http_.Send(req, cancel);
  if (!res.ok()) return res.status().WithContext("generator");
  if (res->status != 200) return Status::Error("generator: " + spec_.base_url + " answered HTTP " + std::to_string(res->status));
  auto json = ParseJsonOrDiscarded(res->body);
  if (json.is_discarded() || !json.contains("choices") || !json["choices"].is_array() || json["choices"].empty())
    return Status::Error("generator: the answer is not a chat completion");
  const auto& message = json["choices"][0].value("message", nlohmann::json::object());
  if (!message.contains("content") || !message["content"].is_string() || message["content"].get<std::string>().empty())
    return Status::Error("generator: the chat completion has no content");
  return WithAllSections(message["content"].get<std::string>());
}

}  // namespace vigil

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

std::string PromptText(const FittedInput& in) {
  std::string text;
  if (!in.previous_note.empty())
    text += "Previous handoff note (carry forward what still holds):\n" + in.previous_note + "\n\nMessages since:\n\n";
  for (const auto& m : in.transcript) text += "[" + m.role + "]\n" + m.content + "\n\n";
  return text;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// A heading line: one of the six names, then ':' (what follows on the line is the body's start).
const char* HeadingOf(std::string_view line, size_t* body_start) {
  size_t lead = line.find_first_not_of(" \t#*");
  if (lead == std::string_view::npos) return nullptr;
  line.remove_prefix(lead);
  for (const char* section : kHandoffSections) {
    std::string_view name(section);
    if (line.size() > name.size() && line.substr(0, name.size()) == name && line[name.size()] == ':') {
      *body_start = lead + name.size() + 1;
      return section;
    }
  }
  return nullptr;
}

std::string Trimmed(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
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

std::map<std::string, std::string> NoteSections(const std::string& note) {
  std::map<std::string, std::string> out;
  const char* current = nullptr;
  std::string body;
  auto flush = [&] {
    if (current != nullptr && !out.count(current)) out[current] = Trimmed(body);
  };
  size_t pos = 0;
  while (pos <= note.size()) {
    size_t end = note.find('\n', pos);
    if (end == std::string::npos) end = note.size();
    std::string_view line(note.data() + pos, end - pos);
    size_t body_start = 0;
    if (const char* heading = HeadingOf(line, &body_start)) {
      flush();
      current = heading;
      body = std::string(line.substr(body_start)) + "\n";
    } else if (current != nullptr) {
      body += std::string(line) + "\n";
    }
    pos = end + 1;
  }
  flush();
  return out;
}

std::vector<std::string> MissingSections(const std::string& note) {
  auto sections = NoteSections(note);
  std::vector<std::string> missing;
  for (const char* section : kHandoffSections)
    if (!sections.count(section)) missing.push_back(section);
  return missing;
}

std::string MarkMissing(std::string note, const std::vector<std::string>& missing) {
  for (const auto& section : missing) {
    if (!note.empty() && note.back() != '\n') note += "\n";
    note += section + ":\n(missing: the generator did not write this section)\n";
  }
  return note;
}

FittedInput FitInput(const HandoffInput& input, int max_tokens) {
  size_t budget = static_cast<size_t>(std::max(max_tokens, 1)) * 4;
  FittedInput out;
  out.previous_note = std::string(CutUtf8(input.previous_note, budget / 3));
  int left = static_cast<int>((budget - out.previous_note.size()) / 4);
  out.transcript = FitToBudget(input.transcript, std::max(left, 1));
  return out;
}

Result<std::string> ChatCompletionsGenerator::Ask(const nlohmann::json& messages, const CancelToken* cancel) {
  nlohmann::json body = {{"model", spec_.model}, {"temperature", 0}, {"messages", messages}};
  HttpClientRequest req;
  req.method = "POST";
  req.url = spec_.base_url + (spec_.base_url.ends_with("/") ? "" : "/") + "chat/completions";
  req.headers = {{"Content-Type", "application/json"}};
  if (!spec_.api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + spec_.api_key);
  req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
  return message["content"].get<std::string>();
}

Result<HandoffNote> ChatCompletionsGenerator::Generate(const HandoffInput& input, const CancelToken* cancel) {
  nlohmann::json messages = {{{"role", "system"}, {"content", Instructions(input.model_id)}},
                             {{"role", "user"}, {"content", PromptText(FitInput(input, spec_.max_input_tokens))}}};
  auto first = Ask(messages, cancel);
  if (!first.ok()) return first.status();
  HandoffNote note{*first, MissingSections(*first)};
  if (!note.missing.empty()) {
    messages.push_back({{"role", "assistant"}, {"content", *first}});
    messages.push_back({{"role", "user"},
                        {"content", "Your note lacks the sections " + Joined(note.missing) +
                                        ". Write the whole note again with all six sections, each heading in "
                                        "capitals on its own line followed by a colon."}});
    auto second = Ask(messages, cancel);
    // A second answer that fails or is no better leaves the first one standing.
    if (second.ok() && MissingSections(*second).size() < note.missing.size()) note = {*second, MissingSections(*second)};
  }
  note.text = MarkMissing(std::move(note.text), note.missing);
  return note;
}

}  // namespace vigil

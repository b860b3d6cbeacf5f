#include "jobs/maintenance/extractive_handoff.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <set>
#include <string_view>

#include "common/utf8_cut.h"

namespace vigil {
namespace {

constexpr size_t kSentenceBytes = 300;  // one extracted sentence, cut on a character boundary
constexpr size_t kStatusBytes = 400;
constexpr size_t kListEntries = 8;
constexpr size_t kFiles = 5;
constexpr const char* kNotStated = "(not stated)";

constexpr std::array kGoalCues = {"my goal", "the goal", "our goal", "goal is", "i want to", "i'd like to",
                                  "i would like to", "we need to", "i need to", "i'm trying to", "i am trying to",
                                  "we're trying to", "we are trying to", "the aim", "objective", "help me"};
constexpr std::array kDecisionCues = {"decided", "decision", "we'll go with", "let's go with", "going with",
                                      "agreed", "we will use", "we'll use", "let's use", "chose ", "chosen",
                                      "settled on", "opted"};
constexpr std::array kPreferenceCues = {"i prefer", "i'd prefer", "i'd rather", "i would rather", "please always",
                                        "always use", "never use", "please don't", "please do not", "don't use",
                                        "do not use", "i like", "i don't like", "avoid "};
const std::set<std::string, std::less<>> kFileExtensions = {
    "c",    "h",    "cc",   "cpp",  "cxx",  "hpp",   "hh",   "py",   "js",   "mjs",  "ts",   "tsx",  "jsx",
    "rs",   "go",   "java", "kt",   "rb",   "php",   "cs",   "swift", "sh",  "bash", "zsh",  "sql",  "json",
    "yaml", "yml",  "toml", "ini",  "cfg",  "conf",  "md",   "rst",  "txt",  "csv",  "tsv",  "xml",  "html",
    "htm",  "css",  "scss", "ipynb", "r",   "jl",    "lua",  "pl",   "lock", "gradle", "cmake", "mk", "proto",
    "vue",  "svelte", "env", "log", "pdf",  "tex",   "bib",  "png",  "jpg",  "svg",  "db",   "sqlite"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <size_t N>
bool HasCue(const std::string& lower, const std::array<const char*, N>& cues) {
  return std::any_of(cues.begin(), cues.end(), [&](const char* cue) { return lower.find(cue) != std::string::npos; });
}

std::string Collapsed(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Sentences: split after . ! ? followed by white space, and at line ends; each collapsed and cut.
std::vector<std::string> Sentences(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  auto emit = [&](size_t end) {
    std::string s = Collapsed(text.substr(start, end - start));
    if (!s.empty()) out.push_back(ShortenUtf8(s, kSentenceBytes));
    start = end;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      emit(i + 1);
    } else if ((c == '.' || c == '!' || c == '?') && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
      emit(i + 1);
    }
  }
  emit(text.size());
  return out;
}

// File paths named in `text`, in order: a word (its surrounding punctuation stripped) like
// src/main.cpp or notes.md whose extension is a known file type; URLs are not files.
std::vector<std::string> FilesIn(std::string_view text) {
  static const RE2 kPath(R"((?:[\w.-]+/)*[\w-][\w.-]*\.([A-Za-z][A-Za-z0-9]{0,7}))");
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(" \t\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(pos, end - pos);
    pos = end + 1;
    size_t b = word.find_first_not_of("([{<\"'`*");
    if (b == std::string_view::npos || word.find("://") != std::string_view::npos) continue;
    word.remove_prefix(b);
    while (!word.empty() && std::string_view(")]}>\"'`*,;:!?.").find(word.back()) != std::string_view::npos)
      word.remove_suffix(1);
    std::string ext;
    if (word.size() > 200 || !RE2::FullMatch(re2::StringPiece(word.data(), word.size()), kPath, &ext)) continue;
    if (kFileExtensions.count(Lower(ext))) out.emplace_back(word);
  }
  return out;
}

bool Placeholder(const std::string& body) { return body.empty() || body.starts_with("(not stated)") || body.starts_with("(missing"); }

// The previous note's section, "" when it had none worth keeping.
std::string Previous(const std::map<std::string, std::string>& previous, const char* section) {
  auto it = previous.find(section);
  return it == previous.end() || Placeholder(it->second) ? "" : it->second;
}

// The previous note's list entries ("- x" lines) followed by the new ones, without repeats, the
// newest `keep` of them.
std::vector<std::string> Merged(const std::string& previous_body, const std::vector<std::string>& fresh, size_t keep) {
  std::vector<std::string> all;
  size_t pos = 0;
  while (pos < previous_body.size()) {
    size_t end = previous_body.find('\n', pos);
    if (end == std::string::npos) end = previous_body.size();
    std::string_view line(previous_body.data() + pos, end - pos);
    if (line.starts_with("- ")) all.emplace_back(line.substr(2));
    pos = end + 1;
  }
  for (const auto& f : fresh) {
    all.erase(std::remove(all.begin(), all.end(), f), all.end());
    all.push_back(f);
  }
  if (all.size() > keep) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(keep));
  return all;
}

std::string Bullets(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "- " : "\n- ") + i;
  return out;
}

std::string OrNotStated(std::string body) { return body.empty() ? kNotStated : body; }

}  // namespace

std::string ExtractiveNote(const HandoffInput& input) {
  auto previous = NoteSections(input.previous_note);
  std::string goal, status, resume;
  std::vector<std::string> decisions, preferences, files;
  for (const auto& m : input.transcript) {
    bool user = m.role == "user";
    for (const auto& sentence : Sentences(m.content)) {
      std::string lower = Lower(sentence);
      if (user && HasCue(lower, kGoalCues)) goal = sentence;
      if (HasCue(lower, kDecisionCues)) decisions.push_back(sentence);
      if (user && HasCue(lower, kPreferenceCues)) preferences.push_back(sentence);
    }
    for (auto& f : FilesIn(m.content)) {
      files.erase(std::remove(files.begin(), files.end(), f), files.end());
      files.push_back(std::move(f));
    }
  }
  const ChatMessage* newest_assistant = nullptr;
  const ChatMessage* newest_user = nullptr;
  for (const auto& m : input.transcript) (m.role == "user" ? newest_user : newest_assistant) = &m;
  if (const ChatMessage* m = newest_assistant ? newest_assistant : newest_user) {
    auto sentences = Sentences(m->content);
    for (size_t i = 0; i < sentences.size() && i < 2; ++i) status += (status.empty() ? "" : " ") + sentences[i];
    status = ShortenUtf8(status, kStatusBytes);
  }
  if (newest_user != nullptr) {
    std::string request = Collapsed(newest_user->content);
    if (!request.empty()) resume = "Continue from the latest request: \"" + ShortenUtf8(request, kSentenceBytes) + "\"";
  }
  std::reverse(files.begin(), files.end());  // the latest first
  for (const auto& f : Merged(Previous(previous, "ACTIVE FILE"), {}, std::numeric_limits<size_t>::max())) {
    if (files.size() >= kFiles) break;
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  }
  if (files.size() > kFiles) files.resize(kFiles);

  std::string note;
  auto section = [&](const char* name, const std::string& body) { note += std::string(name) + ":\n" + OrNotStated(body) + "\n\n"; };
  section("GOAL", goal.empty() ? Previous(previous, "GOAL") : goal);
  section("DECISIONS MADE", Bullets(Merged(Previous(previous, "DECISIONS MADE"), decisions, kListEntries)));
  section("CURRENT STATUS", status.empty() ? Previous(previous, "CURRENT STATUS") : status);
  section("ACTIVE FILE", Bullets(files));
  section("PREFERENCES", Bullets(Merged(Previous(previous, "PREFERENCES"), preferences, kListEntries)));
  section("RESUME INSTRUCTION", resume.empty() ? Previous(previous, "RESUME INSTRUCTION") : resume);
  note.pop_back();
  return note;
}

Result<HandoffNote> ExtractiveGenerator::Generate(const HandoffInput& input, const CancelToken*) {
  return HandoffNote{ExtractiveNote(input), {}};
}

}  // namespace vigil

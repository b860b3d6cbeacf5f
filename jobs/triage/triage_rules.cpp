#include "jobs/triage/triage_rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "common/ascii.h"

namespace vigil {
namespace {

// A title of fewer words is not compared by similarity (too many short titles look alike).
constexpr size_t kMinTitleTokens = 3;

// Words too common in titles to say whether two titles are about the same thing.
const std::set<std::string>& StopWords() {
  static const std::set<std::string> words = {"a",    "an",   "and",  "are", "as",   "at",   "by",   "for",
                                              "from", "in",   "into", "is",  "its",  "of",   "on",   "or",
                                              "the",  "their", "to",  "with", "via", "was",  "were", "be"};
  return words;
}

std::string Fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Every string in the metadata, normalised and joined: keywords, MeSH terms, categories, journal.
void CollectStrings(const nlohmann::json& j, std::string* out) {
  if (j.is_string()) {
    out->append(" ").append(NormaliseText(j.get<std::string>()));
  } else if (j.is_structured()) {
    for (const auto& item : j) CollectStrings(item, out);
  }
}

// " a b c " so that " term " matches whole words and phrases only.
std::string Padded(std::string normalised) { return " " + normalised + " "; }

bool Contains(const std::string& padded_text, const std::string& term) {
  std::string t = NormaliseText(term);
  return !t.empty() && padded_text.find(" " + t + " ") != std::string::npos;
}

struct EventText {
  std::string title;
  std::string rest;  // summary and metadata
};

EventText TextOf(const EventView& e) {
  EventText t;
  t.title = Padded(NormaliseText(e.title));
  std::string rest = NormaliseText(e.summary);
  CollectStrings(e.metadata, &rest);
  t.rest = Padded(rest);
  return t;
}

// Steps 1 and 2: a reason to score 0, or empty.
std::string GateReason(const TriageRules& rules, const EventText& text) {
  for (const auto& term : rules.excluded) {
    if (Contains(text.title, term) || Contains(text.rest, term)) return "excluded term \"" + term + "\" present";
  }
  for (const auto& term : rules.required) {
    if (!Contains(text.title, term) && !Contains(text.rest, term)) return "required term \"" + term + "\" missing";
  }
  return "";
}

double KeywordScore(const TriageRules& rules, const EventText& text, std::vector<std::string>* why) {
  double sum = 0;
  for (const auto& [term, weight] : rules.keywords) {
    if (Contains(text.title, term)) {
      sum += weight;
      why->push_back("keyword \"" + term + "\" in title +" + Fixed(weight));
    } else if (Contains(text.rest, term)) {
      sum += weight / 2;
      why->push_back("keyword \"" + term + "\" in summary/metadata +" + Fixed(weight / 2) + " (half of " + Fixed(weight) + ")");
    }
  }
  if (sum > 1) why->push_back("keywords capped at 1.00 (sum " + Fixed(sum) + ")");
  return std::min(sum, 1.0);
}

double SourceFactor(const TriageRules& rules, const EventView& e, std::vector<std::string>* why) {
  std::vector<std::string> keys = {"watcher:" + AsciiLower(e.watcher), "source:" + AsciiLower(e.source_type)};
  if (e.metadata.is_object()) {
    for (const char* k : {"journal", "journal_abbrev", "feed_title"}) {
      auto it = e.metadata.find(k);
      if (it != e.metadata.end() && it->is_string()) keys.push_back("journal:" + AsciiLower(it->get<std::string>()));
    }
  }
  double factor = 1;
  for (const auto& [key, weight] : rules.source_weights) {
    if (std::find(keys.begin(), keys.end(), AsciiLower(key)) == keys.end()) continue;
    factor *= weight;
    why->push_back("source weight " + key + " x" + Fixed(weight));
  }
  return factor;
}

double RecencyFactor(const TriageRules& rules, const EventView& e, TimePoint now, std::vector<std::string>* why) {
  if (rules.recency_half_life.count() <= 0 || !e.published) return 1;
  double age_s = std::max(0.0, std::chrono::duration<double>(now - *e.published).count());
  double factor = std::pow(0.5, age_s / static_cast<double>(rules.recency_half_life.count()));
  why->push_back("recency: published " + Fixed(age_s / 86400, 1) + " days ago, half-life " +
                 Fixed(static_cast<double>(rules.recency_half_life.count()) / 86400, 1) + " days x" + Fixed(factor));
  return factor;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

const char* SignalName(Signal signal) {
  switch (signal) {
    case Signal::kLow: return "low";
    case Signal::kMedium: return "medium";
    case Signal::kHigh: return "high";
  }
  return "low";
}

std::optional<Signal> ParseSignal(std::string_view name) {
  for (Signal s : {Signal::kLow, Signal::kMedium, Signal::kHigh}) {
    if (name == SignalName(s)) return s;
  }
  return std::nullopt;
}

std::string NormaliseText(std::string_view text) {
  std::string out;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      space = true;
    }
  }
  return out;
}

std::set<std::string> TitleTokens(std::string_view title) {
  std::set<std::string> tokens;
  std::string norm = NormaliseText(title);
  size_t start = 0;
  while (start < norm.size()) {
    size_t end = norm.find(' ', start);
    if (end == std::string::npos) end = norm.size();
    std::string word = norm.substr(start, end - start);
    if (word.size() > 1 && !StopWords().count(word)) tokens.insert(word);
    start = end + 1;
  }
  return tokens;
}

double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t common = 0;
  for (const auto& x : a) common += b.count(x);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

std::vector<std::string> TitleProbeTokens(const std::set<std::string>& tokens, double threshold) {
  if (tokens.size() < kMinTitleTokens) return {};
  std::vector<std::string> words(tokens.begin(), tokens.end());
  std::stable_sort(words.begin(), words.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  // A small tolerance so that 0.8 * 5 counts as 4, not 4.000000000000001.
  auto overlap = static_cast<size_t>(std::ceil(std::clamp(threshold, 0.0, 1.0) * double(words.size()) - 1e-9));
  words.resize(std::min(words.size(), words.size() - overlap + 1));
  return words;
}

std::set<std::string> DedupeKeys(const EventView& e) {
  std::set<std::string> keys;
  auto add = [&](const char* prefix, const char* field) {
    auto it = e.metadata.is_object() ? e.metadata.find(field) : e.metadata.end();
    if (it != e.metadata.end() && it->is_string() && !it->get<std::string>().empty()) {
      keys.insert(prefix + AsciiLower(it->get<std::string>()));
    }
  };
  add("doi:", "doi");
  add("pmid:", "pmid");
  if (e.source_type == "arxiv" && !e.source_id.empty()) keys.insert("arxiv:" + AsciiLower(e.source_id));
  if (!e.source_id.empty()) keys.insert("source:" + e.watcher + ":" + e.source_id);
  return keys;
}

std::optional<std::pair<std::string, std::string>> FindNearDuplicate(const TriageRules& rules, const EventView& event,
                                                                     const NoveltyContext& novelty) {
  std::set<std::string> keys = DedupeKeys(event);
  std::set<std::string> tokens = TitleTokens(event.title);
  for (const auto& recent : novelty.recent) {
    if (recent.event_id == event.id) continue;
    for (const auto& key : keys) {
      if (recent.keys.count(key)) return std::make_pair(recent.event_id, "same " + key.substr(0, key.find(':')) + " (" + key + ")");
    }
    double similarity = Jaccard(tokens, recent.title_tokens);
    if (tokens.size() >= kMinTitleTokens && similarity >= rules.duplicate_similarity) {
      return std::make_pair(recent.event_id, "title similarity " + Fixed(similarity) + " >= " + Fixed(rules.duplicate_similarity));
    }
  }
  return std::nullopt;
}

Signal SignalFor(const TriageRules& rules, double score) {
  if (score >= rules.high) return Signal::kHigh;
  if (score >= rules.medium) return Signal::kMedium;
  return Signal::kLow;
}

TriageScore Score(const TriageRules& rules, const EventView& event, const NoveltyContext& novelty) {
  TriageScore out;
  if (event.source_type == kCitationRetractionSource) {
    out.score = 1.0;
    out.signal = Signal::kHigh;
    out.reasoning = "a work cited in this community was retracted: always high";
    return out;
  }
  EventText text = TextOf(event);
  std::vector<std::string> why;
  if (std::string gate = GateReason(rules, text); !gate.empty()) {
    why.push_back(gate + ": score 0");
    out.gated = true;
  } else {
    double score = KeywordScore(rules, text, &why);
    if (why.empty()) why.push_back("no keyword matched");
    score *= SourceFactor(rules, event, &why);
    score *= RecencyFactor(rules, event, novelty.now, &why);
    out.score = std::clamp(score, 0.0, 1.0);
  }
  out.signal = SignalFor(rules, out.score);
  why.push_back("score " + Fixed(out.score) + " -> " + SignalName(out.signal) + " (medium at " + Fixed(rules.medium) +
                ", high at " + Fixed(rules.high) + ")");
  if (auto dup = FindNearDuplicate(rules, event, novelty)) {
    out.duplicate_of = dup->first;
    why.push_back("near-duplicate of event " + dup->first + ": " + dup->second + "; no notification");
  }
  out.reasoning = Join(why);
  return out;
}

}  // namespace vigil

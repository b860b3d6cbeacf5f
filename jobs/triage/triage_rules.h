// Rule-based triage: how relevant one event is to one community, as a score in [0, 1], a signal
// (low / medium / high) and a plain-words account of which rules fired and how much each counted.
//
// The score is built in steps, each written into the reasoning:
//   1. excluded terms: any present -> score 0 (nothing else counts);
//   2. required terms: every one must be present, else score 0;
//   3. keywords and phrases: a term in the title adds its full weight, a term found only in the
//      summary or metadata half of it; the sum is capped at 1;
//   4. source weights multiply it: "watcher:<name>", "source:<type>", "journal:<title>" (the
//      product of every key that matches; keys are compared case-insensitively);
//   5. recency multiplies it by 0.5^(age / half_life) when a half-life is set and the event says
//      when it was published;
//   6. the result is clamped to [0, 1] and mapped to a signal by the community's thresholds.
// Novelty is judged separately (IsNearDuplicate below): a near-duplicate of a recent event of the
// community keeps its score but says which event it duplicates, and triage makes no notification.
//
// Pure functions over values; any thread.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace vigil {

enum class Signal { kLow = 0, kMedium = 1, kHigh = 2 };

const char* SignalName(Signal signal);
std::optional<Signal> ParseSignal(std::string_view name);

struct TriageRules {
  std::vector<std::pair<std::string, double>> keywords;  // term or phrase -> weight
  std::vector<std::string> required;
  std::vector<std::string> excluded;
  std::map<std::string, double> source_weights;  // "watcher:x", "source:pubmed", "journal:nature"
  std::chrono::seconds recency_half_life{0};     // 0: age does not count
  double medium = 0.4;                           // score at or above: medium
  double high = 0.7;                             // score at or above: high
  double duplicate_similarity = 0.8;             // title token Jaccard at or above: near-duplicate
};

// What triage reads of an event.
struct EventView {
  std::string id;
  std::string watcher;      // watcher name
  std::string source_type;  // pubmed, arxiv, feed, webhook, ...
  std::string source_id;
  std::string title;
  std::string summary;
  nlohmann::json metadata = nlohmann::json::object();
  std::optional<TimePoint> published;  // when the item itself is dated
};

// A recent event of the same community, as the dedupe keys remember it.
struct RecentEvent {
  std::string event_id;
  std::set<std::string> keys;  // "doi:...", "pmid:...", "source:...", see DedupeKeys
  std::set<std::string> title_tokens;
};

struct NoveltyContext {
  std::vector<RecentEvent> recent;
  TimePoint now{};
};

struct TriageScore {
  double score = 0;
  Signal signal = Signal::kLow;
  std::string reasoning;
  std::string duplicate_of;  // event id; empty when the event is new
  bool gated = false;        // an excluded term was present or a required one missing
};

// Events of this source type (a cited work found retracted, jobs/maintenance/citation_announce.h)
// are high whatever the community's rules say: people relying on the work must hear of it.
inline constexpr const char* kCitationRetractionSource = "citation_retraction";

TriageScore Score(const TriageRules& rules, const EventView& event, const NoveltyContext& novelty);

// Lower-case ASCII letters and digits of `text` with every other run of characters made one space,
// trimmed: "The <i>TERT</i> gene-region!" -> "the i tert i gene region". UTF-8 bytes above 0x7f are
// kept as they are (so terms in other scripts still match).
std::string NormaliseText(std::string_view text);

// The words of a title that say what it is about (normalised, stop words and one-letter tokens left out).
std::set<std::string> TitleTokens(std::string_view title);

// |a ∩ b| / |a ∪ b|; 0 when both are empty.
double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b);

// Keys that identify the same item across watchers, and the same item from one watcher after its
// event was pruned: "doi:<lower-case doi>", "pmid:<pmid>", "arxiv:<id>", "source:<watcher>:<source_id>".
std::set<std::string> DedupeKeys(const EventView& event);

// The words of a title to look earlier titles up by: any title whose word set has a Jaccard
// similarity of at least `threshold` with `tokens` shares one of them (of n words, an overlap of
// ceil(threshold * n) or more cannot miss all of the n - ceil(threshold * n) + 1 chosen), so only
// events holding one of these need comparing. The longest words are chosen, as the likeliest to be
// rare. Empty when the title has fewer than 3 words (too short to be compared by similarity).
std::vector<std::string> TitleProbeTokens(const std::set<std::string>& tokens, double threshold);

// When the event is a near-duplicate of a recent one: that event's id and why, in words.
std::optional<std::pair<std::string, std::string>> FindNearDuplicate(const TriageRules& rules, const EventView& event,
                                                                     const NoveltyContext& novelty);

// The signal a score maps to under the rules' thresholds.
Signal SignalFor(const TriageRules& rules, double score);

}  // namespace vigil

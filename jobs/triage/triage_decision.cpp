#include "jobs/triage/triage_decision.h"

#include "jobs/triage/llm_triage.h"
#include "jobs/triage/triage_preview.h"

namespace vigil {
namespace {

// "LLM (model) scored 0.91 -> high: <reason>": the signal is the community's thresholds applied to
// the model's score, so `notify_at` means the same for the model as for the rules; a model whose
// own signal disagrees is named ("the model said medium").
std::string LlmReasoning(const std::string& model, const LlmVerdict& verdict, Signal signal) {
  std::string said = verdict.signal == signal ? "" : std::string(" by the community's thresholds (the model said ") + SignalName(verdict.signal) + ")";
  return "LLM (" + model + ") scored " + std::to_string(verdict.score).substr(0, 4) + " -> " + SignalName(signal) + said + ": " +
         verdict.reason;
}

// The community as the model is told of it: its row's text (a platform-made community's own), the
// config's where the row has none.
CommunityBrief BriefOf(const CommunitySettings& community, const TriageEventRow& e) {
  CommunityBrief b{community.name, e.community_display_name, e.community_description, e.community_purpose};
  if (b.display_name.empty()) b.display_name = community.display_name;
  if (b.description.empty()) b.description = community.description;
  if (b.purpose.is_null() || b.purpose.empty()) b.purpose = community.purpose;
  return b;
}

// The rules' verdict, replaced by the LLM's when one is configured and answers well.
void ApplyLlm(const TriageSettings& settings, const CommunitySettings& community, const TriageEventRow& e, const EventView& view,
              HttpClient* http, const CancelToken* cancel, TriageDecision* d) {
  if (!settings.llm || http == nullptr || !d->score.duplicate_of.empty() || d->score.gated) return;
  if (view.source_type == kCitationRetractionSource) return;  // no model may make a retraction quiet
  auto verdict = AskLlm(*settings.llm, BriefOf(community, e), view, d->score.reasoning, *http, cancel);
  if (!verdict.ok()) {
    d->score.reasoning += "; " + verdict.error() + ": the rules' verdict stands";
    return;
  }
  Signal signal = SignalFor(community.rules, verdict->score);
  std::string model = verdict->model.empty() ? settings.llm->model : verdict->model;
  d->scored_by = "llm:" + model;
  d->score.reasoning = LlmReasoning(model, *verdict, signal) +
                       " | rules: " + d->score.reasoning;
  d->score.score = verdict->score;
  d->score.signal = signal;
  if (!verdict->suggested_hypothesis.empty()) d->hypothesis = verdict->suggested_hypothesis;
}

}  // namespace

EventView ViewOf(const TriageEventRow& e) {
  return {e.id, e.watcher_name, e.source_type, e.source_id, e.title, e.summary, e.source_metadata, PublishedAt(e.source_metadata)};
}

void DecidedEarlier::Add(const std::string& community_id, const EventView& view, const TriageDecision& d) {
  novelty.earlier[community_id].push_back({view.id, DedupeKeys(view), TitleTokens(view.title)});
  if (d.push) pushed.insert(community_id);
}

Result<TriageDecision> Decide(const TriageSettings& settings, const CommunitySettings& community, const TriageEventRow& e,
                        const EventView& view, SqlConnection& db, HttpClient* http, TimePoint now, const CancelToken* cancel,
                        const DecidedEarlier& earlier) {
  auto novelty = NoveltyFor(db, community, e.community_id, view, now, &earlier.novelty);
  if (!novelty.ok()) return novelty.status();
  TriageDecision d;
  d.score = Score(community.rules, view, *novelty);
  d.hypothesis = community.hypothesis_template;  // filled in once the signal is final
  ApplyLlm(settings, community, e, view, http, cancel, &d);
  d.notify = d.score.duplicate_of.empty() && d.score.signal >= community.notify_at;
  d.push = d.notify;
  if (d.notify && community.cooldown.count() > 0) {
    Result<std::optional<TimePoint>> last = std::optional<TimePoint>(now);  // an earlier event of the batch pushed
    if (!earlier.pushed.count(e.community_id)) last = LastPushAt(db, e.community_id);
    if (!last.ok()) return last.status();
    if (*last && now - **last < community.cooldown) {
      auto ago = std::chrono::duration_cast<std::chrono::seconds>(now - **last).count();
      d.push = false;
      d.score.reasoning += "; cooldown: the community's last push was " + std::to_string(ago) + " s ago (cooldown " +
                           std::to_string(community.cooldown.count()) + " s), so this one is not pushed" +
                           (community.digest ? " but goes to the digest" : "");
    }
  }
  return d;
}

}  // namespace vigil

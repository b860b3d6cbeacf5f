// Parsing of `communities:` and `triage:` (notify_config.cpp reads `notify:`).
#include "jobs/triage/triage_config.h"

#include <algorithm>
#include <set>

#include "common/local_time.h"
#include "config/block_reader.h"
#include "jobs/engine/cron.h"

namespace vigil {

Status ParseNotifySettings(const Config& config, TriageSettings* out);  // notify_config.cpp

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

Result<std::vector<std::pair<std::string, double>>> ReadWeights(const BlockReader& r, const std::string& key, double max) {
  std::vector<std::pair<std::string, double>> out;
  const auto& map = r.Raw(key);
  if (map.is_null()) return out;
  if (!map.is_object()) return r.Error(key, "expected a map of term: weight");
  auto weights = r.Child(key);
  for (auto it = map.begin(); it != map.end(); ++it) {
    auto w = weights->Number(it.key(), 0, 0, max);
    if (!w.ok()) return w.status();
    out.emplace_back(it.key(), *w);
  }
  return out;
}

Result<DigestSettings> ReadDigest(const BlockReader& r) {
  DigestSettings d;
  FirstError e;
  e.Check(r.CheckKeys({"schedule", "tz"}));
  d.schedule = e.Take(r.String("schedule", "", true));
  d.tz = e.Take(r.String("tz", "UTC"));
  if (!e.ok()) return e.status();
  if (auto cron = CronExpr::Parse(d.schedule); !cron.ok()) return r.Error("schedule", cron.error());
  if (auto zone = FindTimeZone(d.tz); !zone.ok()) return r.Error("tz", zone.error());
  return d;
}

Status ReadRules(const BlockReader& r, CommunitySettings* c) {
  FirstError e;
  e.Check(r.CheckKeys({"keywords", "required", "excluded", "source_weights", "recency_half_life", "thresholds", "notify_at",
                       "cooldown", "digest", "duplicate_similarity", "novelty_window", "max_auto_threads_per_day"}));
  TriageRules& rules = c->rules;
  rules.keywords = e.Take(ReadWeights(r, "keywords", 1));
  rules.required = e.Take(r.StringList("required"));
  rules.excluded = e.Take(r.StringList("excluded"));
  for (auto& [k, w] : e.Take(ReadWeights(r, "source_weights", 100))) rules.source_weights[k] = w;
  rules.recency_half_life = duration_cast<seconds>(e.Take(r.Duration("recency_half_life", {})));
  rules.duplicate_similarity = e.Take(r.Number("duplicate_similarity", 0.8, 0.1, 1));
  c->novelty_window = duration_cast<seconds>(e.Take(r.Duration("novelty_window", c->novelty_window)));
  c->cooldown = duration_cast<seconds>(e.Take(r.Duration("cooldown", {})));
  e.Check(r.Read("max_auto_threads_per_day", &c->max_auto_threads_per_day, 0, 10000));
  c->notify_at = *ParseSignal(e.Take(r.Choice("notify_at", "medium", {"low", "medium", "high"}), std::string("medium")));
  auto thresholds = r.Child("thresholds");
  if (!thresholds.ok()) return thresholds.status();
  e.Check(thresholds->CheckKeys({"medium", "high"}));
  rules.medium = e.Take(thresholds->Number("medium", 0.4, 0, 1));
  rules.high = e.Take(thresholds->Number("high", 0.7, 0, 1));
  if (!e.ok()) return e.status();
  if (rules.high < rules.medium) return thresholds->Error("high", "must be at least thresholds.medium");
  if (!r.Has("digest")) return Status::Ok();
  auto digest_block = r.Child("digest");
  if (!digest_block.ok()) return digest_block.status();
  auto digest = ReadDigest(*digest_block);
  if (!digest.ok()) return digest.status();
  c->digest = *digest;
  return Status::Ok();
}

// `purpose:` a map, kept as the JSON the platform's column holds.
Result<nlohmann::json> ReadPurpose(const BlockReader& r) {
  const nlohmann::json& v = r.Raw("purpose");
  if (v.is_null()) return nlohmann::json::object();
  if (!v.is_object()) return r.Error("purpose", "expected a map (such as {thinking_type, core_questions, decision_context})");
  return v;
}

Result<CommunitySettings> ReadCommunity(const BlockReader& r) {
  CommunitySettings c;
  FirstError e;
  e.Check(r.ExpectMap());
  e.Check(r.CheckKeys({"name", "display_name", "description", "purpose", "participation_model", "rules", "channels",
                       "hypothesis_template"}));
  c.name = e.Take(r.String("name", "", true));
  c.display_name = e.Take(r.String("display_name", c.name));
  c.description = e.Take(r.String("description"));
  c.purpose = e.Take(ReadPurpose(r), nlohmann::json::object());
  c.participation_model = e.Take(r.Choice("participation_model", c.participation_model, kParticipationModels), c.participation_model);
  c.channels = e.Take(r.StringList("channels"));
  c.hypothesis_template = e.Take(r.String("hypothesis_template", c.hypothesis_template));
  if (!e.ok()) return e.status();
  auto rules = r.Child("rules");
  if (!rules.ok()) return rules.status();
  Status s = ReadRules(*rules, &c);
  if (!s.ok()) return s;
  return c;
}

Status ReadCommunities(const Config& config, TriageSettings* out) {
  nlohmann::json list = config.Get("communities");
  if (list.is_null()) return Status::Ok();
  if (!list.is_array()) return config.ErrorAt("communities", "expected a list");
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    BlockReader r(config, list[i], "communities[" + std::to_string(i) + "]");
    auto c = ReadCommunity(r);
    if (!c.ok()) return c.status();
    if (!names.insert(c->name).second) return r.Error("name", "duplicate community \"" + c->name + "\"");
    out->communities.push_back(std::move(*c));
  }
  return Status::Ok();
}

Status ReadLlm(const BlockReader& r, TriageSettings* out) {
  if (!r.Has("llm")) return Status::Ok();
  auto block = r.Child("llm");
  if (!block.ok()) return block.status();
  LlmSettings llm;
  FirstError e;
  e.Check(block->CheckKeys({"base_url", "model", "api_key", "timeout"}));
  llm.base_url = e.Take(block->String("base_url", "", true));
  llm.model = e.Take(block->String("model", "", true));
  llm.api_key = e.Take(block->String("api_key"));
  llm.timeout = e.Take(block->Duration("timeout", llm.timeout));
  if (!e.ok()) return e.status();
  while (!llm.base_url.empty() && llm.base_url.back() == '/') llm.base_url.pop_back();
  out->llm = llm;
  return Status::Ok();
}

Status ReadRetention(const BlockReader& r, RetentionSettings* out) {
  auto block = r.Child("retention");
  if (!block.ok()) return block.status();
  FirstError e;
  e.Check(block->CheckKeys({"events", "notifications", "raw_data", "schedule"}));
  out->events = e.Take(block->Duration("events", out->events));
  out->notifications = e.Take(block->Duration("notifications", out->notifications));
  out->raw_data = e.Take(block->Duration("raw_data", out->raw_data));
  out->schedule = e.Take(block->String("schedule", out->schedule));
  if (!e.ok()) return e.status();
  if (auto cron = CronExpr::Parse(out->schedule); !cron.ok()) return block->Error("schedule", cron.error());
  return Status::Ok();
}

}  // namespace

bool CommunitySettings::UsesChannel(const std::string& channel) const {
  return channels.empty() || std::find(channels.begin(), channels.end(), channel) != channels.end();
}

const CommunitySettings* TriageSettings::FindCommunity(const std::string& name) const {
  for (const auto& c : communities) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const ChannelSettings* TriageSettings::FindChannel(const std::string& name) const {
  for (const auto& c : channels) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::chrono::seconds TriageSettings::LongestNoveltyWindow() const {
  std::chrono::seconds longest = CommunitySettings{}.novelty_window;
  for (const auto& c : communities) longest = std::max(longest, c.novelty_window);
  return longest;
}

CommunitySettings CommunityOrDefault(const TriageSettings& settings, const std::string& name) {
  if (const auto* c = settings.FindCommunity(name)) return *c;
  CommunitySettings c;
  c.name = name;
  c.display_name = name;
  return c;
}

std::vector<CommunityDecl> CommunityDeclsOf(const TriageSettings& settings) {
  std::vector<CommunityDecl> out;
  for (const auto& c : settings.communities) {
    out.push_back({c.name, c.display_name, c.description, c.purpose.dump(), c.participation_model});
  }
  return out;
}

Result<TriageSettings> ParseTriageSettings(const Config& config) {
  TriageSettings out;
  Status s = ReadCommunities(config, &out);
  if (!s.ok()) return s;
  nlohmann::json triage = config.Get("triage");
  BlockReader r(config, triage, "triage");
  FirstError e;
  e.Check(r.ExpectMap());
  e.Check(r.CheckKeys({"llm", "retention"}));
  if (e.ok()) e.Check(ReadLlm(r, &out));
  if (e.ok()) e.Check(ReadRetention(r, &out.retention));
  if (e.ok()) e.Check(ParseNotifySettings(config, &out));
  if (!e.ok()) return e.status();
  nlohmann::json communities = config.Get("communities");
  for (size_t i = 0; i < out.communities.size(); ++i) {
    for (const auto& ch : out.communities[i].channels) {
      if (out.FindChannel(ch) == nullptr) {
        BlockReader c(config, communities[i], "communities[" + std::to_string(i) + "]");
        return c.Error("channels", "no channel named \"" + ch + "\" in notify.channels");
      }
    }
  }
  return out;
}

}  // namespace vigil

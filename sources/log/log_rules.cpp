#include "sources/log/log_rules.h"

#include <set>

#include "common/json_fields.h"
#include "config/key_hint.h"
#include "config/units.h"

namespace vigil {
namespace {

using Fail = std::function<Status(const std::string& key, const std::string& msg)>;

Result<RuleRateLimit> ParseRateLimit(const nlohmann::json& j, const Fail& fail) {
  RuleRateLimit limit;
  if (!j.is_object() || !j.contains("count") || !j["count"].is_number_integer() || j["count"].get<int>() < 1)
    return fail("rate_limit", "expected {count: N >= 1, per: DURATION}");
  limit.count = j["count"].get<int>();
  auto per = j.contains("per") ? DurationValue(j["per"]) : Result<std::chrono::milliseconds>(Status::Error("is required: a duration such as 1m"));
  if (!per.ok()) return fail("rate_limit.per", per.error());
  if (per->count() <= 0) return fail("rate_limit.per", "must be more than 0s");
  limit.per = *per;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "count" && it.key() != "per") return fail("rate_limit." + it.key(), UnknownKeyMessage(it.key(), {"count", "per"}));
  }
  return limit;
}

Result<LogRule> ParseRule(const nlohmann::json& j, const Fail& fail) {
  static const std::set<std::string> kKeys = {"name", "match", "title", "signal", "rate_limit"};
  if (!j.is_object()) return fail("", "expected a map with name and match");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!kKeys.count(it.key())) return fail(it.key(), UnknownKeyMessage(it.key(), {"name", "match", "title", "signal", "rate_limit"}));
  }
  for (const char* key : {"name", "title", "signal"}) {
    if (!StringField(j, key, "")) return fail(key, "expected a string");
  }
  LogRule rule;
  rule.name = *StringField(j, "name", "");
  if (rule.name.empty()) return fail("name", "is required");
  if (!j.contains("match") || !j["match"].is_string()) return fail("match", "is required: an RE2 pattern");
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(j["match"].get<std::string>(), options);
  if (!re->ok()) return fail("match", "not a valid RE2 pattern: " + re->error());
  rule.pattern = re;
  rule.title = *StringField(j, "title", "{{rule}}: {{line}}");
  rule.signal = *StringField(j, "signal", "");
  if (!rule.signal.empty() && rule.signal != "low" && rule.signal != "medium" && rule.signal != "high")
    return fail("signal", "\"" + rule.signal + "\" is not one of low, medium, high");
  if (j.contains("rate_limit")) {
    auto limit = ParseRateLimit(j["rate_limit"], fail);
    if (!limit.ok()) return limit.status();
    rule.limit = *limit;
  }
  return rule;
}

}  // namespace

Result<LogRuleSet> LogRuleSet::Parse(const Config& config, const nlohmann::json& rules, const std::string& at) {
  if (!rules.is_array() || rules.empty())
    return config.ErrorAt(at, "expected a list of rules ({name, match, title, ...})");
  LogRuleSet set;
  std::set<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string item = at + "[" + std::to_string(i) + "]";
    Fail fail = [&](const std::string& key, const std::string& msg) {
      return config.ErrorAt(key.empty() ? item : item + "." + key, msg);
    };
    auto rule = ParseRule(rules[i], fail);
    if (!rule.ok()) return rule.status();
    if (!names.insert(rule->name).second) return fail("name", "duplicate rule name");
    set.rules_.push_back(std::move(*rule));
  }
  return set;
}

std::optional<LogRuleMatch> LogRuleSet::Match(const std::string& record) const {
  for (const auto& rule : rules_) {
    const RE2& re = *rule.pattern;
    int groups = re.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> found(groups + 1);
    if (!re.Match(record, 0, record.size(), RE2::UNANCHORED, found.data(), groups + 1)) continue;
    LogRuleMatch m;
    m.rule = &rule;
    for (const auto& [name, index] : re.NamedCapturingGroups()) {
      if (found[index].data() != nullptr) m.captures[name] = std::string(found[index]);
    }
    return m;
  }
  return std::nullopt;
}

}  // namespace vigil

// Log rules: RE2 patterns whose named captures ((?P<ip>...)) become an event's fields, a title
// template over them, an optional signal hint and a rate limit. The first rule that matches a
// record wins; a record no rule matches is skipped.
//
// Threads: a LogRuleSet is immutable once parsed; Match may be called from any thread.
#pragma once

#include <re2/re2.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

struct RuleRateLimit {
  int count = 0;                      // 0: unlimited
  std::chrono::milliseconds per{0};
};

struct LogRule {
  std::string name;
  std::shared_ptr<const RE2> pattern;
  std::string title;   // template over the captures and {{rule}}, {{path}}, {{line}}, {{watcher}}
  std::string signal;  // "", low, medium, high: a hint stored in the event's metadata for triage
  RuleRateLimit limit;
};

struct LogRuleMatch {
  const LogRule* rule = nullptr;
  nlohmann::json captures = nlohmann::json::object();  // named groups that took part
};

class LogRuleSet {
 public:
  // Parses `rules` (the list at concrete config path `at`). Errors name file:line:col and the key:
  // "vigil.yaml:9:16: watchers[0].rules[1].match: missing ): (?P<ip>...".
  static Result<LogRuleSet> Parse(const Config& config, const nlohmann::json& rules, const std::string& at);

  // The first rule matching anywhere in `record`, with its named captures; nullopt if none.
  std::optional<LogRuleMatch> Match(const std::string& record) const;
  const std::vector<LogRule>& rules() const { return rules_; }

 private:
  std::vector<LogRule> rules_;
};

}  // namespace vigil

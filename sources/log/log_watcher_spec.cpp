#include "sources/log/log_watcher_spec.h"

#include "common/json_fields.h"

namespace vigil {

Result<LogWatcherSpec> ParseLogWatcherSpec(const Config& config, const nlohmann::json& w, size_t index) {
  std::string at = "watchers[" + std::to_string(index) + "]";
  auto fail = [&](const std::string& key, const std::string& msg) {
    return config.ErrorAt(at + "." + key, msg);
  };
  LogWatcherSpec spec;
  spec.name = w.value("name", "");
  spec.paths = StringListField(w, "paths");
  spec.rotated = StringListField(w, "rotated");
  if (w.contains("journal")) {
    if (w.contains("paths") || w.contains("rotated"))
      return fail("journal", "a log watcher reads files (paths, rotated) or the systemd journal (journal), not both; make two watchers");
    auto journal = ParseJournalSpec(config, w["journal"], at + ".journal");
    if (!journal.ok()) return journal.status();
    spec.journal = std::move(*journal);
  } else if (spec.paths.empty()) {
    return fail("paths", "a log watcher needs paths (a list of files or globs) or journal (e.g. {units: [ssh]}) to read the systemd journal");
  }
  for (const auto& p : spec.paths) {
    if (p.empty() || p.front() != '/') return fail("paths", "\"" + p + "\" is not an absolute path");
  }
  if (w.contains("start")) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const RE2>(w["start"].get<std::string>(), options);
    if (!re->ok()) return fail("start", "not a valid RE2 pattern: " + re->error());
    spec.start = re;
  }
  if (!w.contains("rules")) return fail("rules", "a log watcher needs rules: [{name, match, title}]");
  auto rules = LogRuleSet::Parse(config, w["rules"], at + ".rules");
  if (!rules.ok()) return rules.status();
  spec.rules = std::move(*rules);
  spec.every_set = w.contains("every");
  spec.every = spec.every_set ? std::chrono::milliseconds(w["every"].get<int64_t>()) : kDefaultLogEvery;
  if (w.contains("flush_after")) spec.flush_after = std::chrono::milliseconds(w["flush_after"].get<int64_t>());
  spec.start_at_end = w.value("start_at", "end") == "end";
  return spec;
}

Result<ParsedWatchers<LogWatcherSpec>> ParseLogWatchers(const Config& config) {
  return ParseEnabledWatchers(config, "log", &ParseLogWatcherSpec);
}

}  // namespace vigil

#include "sources/log/log_event.h"

#include "common/iso8601.h"
#include "common/text_template.h"
#include "common/utf8_cut.h"
#include "sources/log/log_files.h"

namespace vigil {
namespace {

constexpr size_t kMaxTitle = 500;
constexpr size_t kMaxSummary = 4000;

// The title and summary of a record whose template variables are `vars` (the captures plus the
// source's own).
Event RuleEvent(const std::string& text, const LogRuleMatch& m, nlohmann::json vars, const std::string& watcher) {
  vars["rule"] = m.rule->name;
  vars["line"] = text.substr(0, text.find('\n'));
  vars["watcher"] = watcher;
  Event e;
  e.title = std::string(CutUtf8(RenderTemplate(m.rule->title, vars), kMaxTitle));
  e.summary = std::string(CutUtf8(text, kMaxSummary));
  e.source_type = "log";
  return e;
}

}  // namespace

Event LogEventFor(const LogWatcherSpec& spec, const TailedRecord& t, const LogRuleMatch& m) {
  const std::string& text = t.record.text;
  nlohmann::json vars = m.captures;
  vars["path"] = t.path;
  Event e = RuleEvent(text, m, std::move(vars), spec.name);
  // The record's file and offset make it unique; the content hash keeps a record written at the
  // same offset after a copytruncate distinct from the one that stood there before.
  e.source_id = std::to_string(t.inode) + ":" + std::to_string(t.record.offset) + ":" + Fnv1aHex(text).substr(0, 8);
  e.source_metadata = {{"path", t.path}, {"inode", t.inode}, {"offset", t.record.offset}, {"rule", m.rule->name},
                       {"captures", m.captures}};
  if (!m.rule->signal.empty()) e.source_metadata["signal_hint"] = m.rule->signal;
  return e;
}

Event JournalEventFor(const LogWatcherSpec& spec, const JournalRecord& r, const LogRuleMatch& m) {
  const JournalEntry& f = r.first;
  std::string timestamp = FormatUtcZ(TimePoint(std::chrono::microseconds(f.realtime_us)));
  nlohmann::json fields = {{"unit", f.unit},         {"pid", f.pid},
                           {"priority", f.priority}, {"hostname", f.hostname},
                           {"identifier", f.identifier}, {"timestamp", timestamp}};
  nlohmann::json vars = m.captures;
  for (auto it = fields.begin(); it != fields.end(); ++it) vars[it.key()] = it.value();
  Event e = RuleEvent(r.text, m, std::move(vars), spec.name);
  // The cursor's sequence number id and number name the entry for good, in whichever file holds it.
  e.source_id = JournalEntryId(f.cursor);
  e.source_metadata = fields;
  e.source_metadata.update({{"cursor", f.cursor}, {"realtime_usec", f.realtime_us}, {"rule", m.rule->name}, {"captures", m.captures}});
  if (!m.rule->signal.empty()) e.source_metadata["signal_hint"] = m.rule->signal;
  return e;
}

}  // namespace vigil

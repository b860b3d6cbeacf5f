#include "sources/log/log_event.h"

#include "common/text_template.h"
#include "common/utf8_cut.h"
#include "sources/log/log_files.h"

namespace vigil {
namespace {

constexpr size_t kMaxTitle = 500;
constexpr size_t kMaxSummary = 4000;

}  // namespace

Event LogEventFor(const LogWatcherSpec& spec, const TailedRecord& t, const LogRuleMatch& m) {
  const std::string& text = t.record.text;
  nlohmann::json vars = m.captures;
  vars["rule"] = m.rule->name;
  vars["path"] = t.path;
  vars["line"] = text.substr(0, text.find('\n'));
  vars["watcher"] = spec.name;
  Event e;
  e.title = std::string(CutUtf8(RenderTemplate(m.rule->title, vars), kMaxTitle));
  e.summary = std::string(CutUtf8(text, kMaxSummary));
  e.source_type = "log";
  // The record's file and offset make it unique; the content hash keeps a record written at the
  // same offset after a copytruncate distinct from the one that stood there before.
  e.source_id = std::to_string(t.inode) + ":" + std::to_string(t.record.offset) + ":" + Fnv1aHex(text).substr(0, 8);
  e.source_metadata = {{"path", t.path}, {"inode", t.inode}, {"offset", t.record.offset}, {"rule", m.rule->name},
                       {"captures", m.captures}};
  if (!m.rule->signal.empty()) e.source_metadata["signal_hint"] = m.rule->signal;
  return e;
}

}  // namespace vigil

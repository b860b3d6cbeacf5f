// Log rules and title templates (sources/log/log_rules.h, sources/log/log_records.h,
// common/text_template.h), as a log watcher uses them: the bytes are split into records (one per
// line, and again with the rule's pattern as a multi-line start pattern), each record is matched
// against the rules, and the matching rule's title is rendered with the captures.
// Input: RE2 pattern \0 title template \0 log bytes.
// Besides not crashing: records lie inside what was consumed, in order, as the bytes hold them
// (a line's "\r\n" read as "\n": the lines of a multi-line record are joined with "\n");
// every capture is a piece of its record; a template rendered without variables is its text with
// the placeholders taken out.
#include <cstdint>
#include <string>

#include "common/text_template.h"
#include "config/config.h"
#include "fuzz/fuzz_input.h"
#include "sources/log/log_records.h"
#include "sources/log/log_rules.h"

namespace {

// The bytes from `offset` on, each "\r\n" read as "\n", as far as a record of `size` could reach.
std::string LineFeedsFrom(std::string_view data, size_t offset, size_t size) {
  std::string out;
  for (size_t i = offset; i < data.size() && out.size() < size; ++i)
    if (!(data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n')) out.push_back(data[i]);
  return out;
}

void CheckRecords(std::string_view data, const vigil::SplitResult& split) {
  constexpr int64_t kBase = 4096;
  VIGIL_FUZZ_CHECK(split.consumed >= 0 && static_cast<size_t>(split.consumed) <= data.size(), "consumed %lld",
                   static_cast<long long>(split.consumed));
  int64_t previous = kBase - 1;
  for (const vigil::LogRecord& r : split.records) {
    VIGIL_FUZZ_CHECK(r.offset > previous && r.offset < kBase + split.consumed, "record offset %lld out of place",
                     static_cast<long long>(r.offset));
    VIGIL_FUZZ_CHECK(r.text.size() <= vigil::kMaxRecordBytes, "record of %zu bytes", r.text.size());
    VIGIL_FUZZ_CHECK(LineFeedsFrom(data, r.offset - kBase, r.text.size()).starts_with(r.text),
                     "record text is not the bytes at its offset");
    previous = r.offset;
  }
}

void MatchAndRender(const vigil::LogRuleSet& rules, const std::string& record) {
  auto m = rules.Match(record);
  if (!m) return;
  for (const auto& [name, value] : m->captures.items())
    VIGIL_FUZZ_CHECK(record.find(value.get<std::string>()) != std::string::npos, "capture %s not in the record", name.c_str());
  nlohmann::json vars = m->captures;
  vars["rule"] = m->rule->name;
  vars["path"] = "/var/log/fuzz.log";
  vars["line"] = record.substr(0, record.find('\n'));
  vars["watcher"] = "fuzz";
  (void)vigil::RenderTemplate(m->rule->title, vars);
}

void CheckTemplate(std::string_view tmpl) {
  std::string bare;  // the text with every complete {{...}} removed
  size_t pos = 0, placeholders = 0;
  while (true) {
    size_t open = tmpl.find("{{", pos);
    size_t close = open == std::string_view::npos ? open : tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    bare.append(tmpl.substr(pos, open - pos));
    pos = close + 2;
    ++placeholders;
  }
  bare.append(tmpl.substr(pos));
  VIGIL_FUZZ_CHECK(vigil::RenderTemplate(tmpl, nlohmann::json::object()) == bare, "rendering without variables");
  VIGIL_FUZZ_CHECK(vigil::TemplateNames(tmpl).size() == placeholders, "placeholder count");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto config = vigil::fuzz::MinimalConfig();
  auto fields = vigil::fuzz::SplitFields(data, size, 3);
  CheckTemplate(fields[1]);
  nlohmann::json list = {{{"name", "fuzzed"}, {"match", std::string(fields[0])}, {"title", std::string(fields[1])}},
                         {{"name", "words"}, {"match", "(?P<first>\\w+)(?:.*?(?P<last>\\w+))?$"}}};
  auto rules = vigil::LogRuleSet::Parse(*config, list, "watchers[0].rules");
  std::string_view bytes = fields[2];
  auto by_line = vigil::SplitRecords(bytes, 4096, {.start = nullptr, .emit_pending = false, .take_partial = true});
  CheckRecords(bytes, by_line);
  if (!rules.ok()) return 0;
  for (const vigil::LogRecord& r : by_line.records) MatchAndRender(*rules, r.text);
  const RE2* start = rules->rules()[0].pattern.get();
  CheckRecords(bytes, vigil::SplitRecords(bytes, 4096, {.start = start, .emit_pending = true, .take_partial = true}));
  return 0;
}

#include "sources/log/log_records.h"

#include "common/utf8_cut.h"

namespace vigil {
namespace {

struct Line {
  size_t begin;
  size_t end;  // past the newline (or the data's end for a partial line)
  std::string_view text;
};

// Complete lines of `data`, plus the final partial one when `take_partial`.
std::vector<Line> Lines(std::string_view data, bool take_partial) {
  std::vector<Line> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos && !take_partial) break;
    size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    std::string_view text = data.substr(pos, (nl == std::string_view::npos ? data.size() : nl) - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    out.push_back({pos, end, text});
    pos = end;
  }
  return out;
}

}  // namespace

void AppendRecordLine(std::string* record, std::string_view line) {
  if (record->size() >= kMaxRecordBytes) return;
  record->push_back('\n');
  record->append(CutUtf8(line, kMaxRecordBytes - record->size()));
}

SplitResult SplitRecords(std::string_view data, int64_t base, const SplitOptions& options) {
  SplitResult result;
  std::vector<Line> lines = Lines(data, options.take_partial);
  if (options.start == nullptr) {
    for (const auto& l : lines) {
      result.records.push_back({base + static_cast<int64_t>(l.begin), std::string(CutUtf8(l.text, kMaxRecordBytes))});
      result.consumed = static_cast<int64_t>(l.end);
    }
    return result;
  }
  LogRecord current;
  bool open = false;
  size_t open_end = 0;
  for (const auto& l : lines) {
    bool starts = RE2::PartialMatch(l.text, *options.start);
    if (open && starts) {
      result.records.push_back(std::move(current));
      result.consumed = static_cast<int64_t>(l.begin);
      current = {};
      open = false;
    }
    if (!open) {
      current.offset = base + static_cast<int64_t>(l.begin);
      current.text = std::string(CutUtf8(l.text, kMaxRecordBytes));
      open = true;
    } else {
      AppendRecordLine(&current.text, l.text);
    }
    open_end = l.end;
  }
  if (open && options.emit_pending) {
    result.records.push_back(std::move(current));
    result.consumed = static_cast<int64_t>(open_end);
  }
  return result;
}

}  // namespace vigil

#include "daemon/admin/sse_frames.h"

#include <charconv>

#include "daemon/admin/admin_query.h"

namespace vigil {
namespace {

// One "<field>: <line>\n" per line of `value`; CR, LF and CRLF all end a line.
void AppendLines(std::string& out, std::string_view field, std::string_view value) {
  size_t start = 0;
  while (true) {
    size_t end = value.find_first_of("\r\n", start);
    out.append(field);
    out += ": ";
    out.append(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    out += '\n';
    if (end == std::string_view::npos) return;
    start = end + (value[end] == '\r' && end + 1 < value.size() && value[end + 1] == '\n' ? 2 : 1);
  }
}

Result<std::optional<int64_t>> ParseCursor(const std::string& text, const char* what) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 0 || text.front() == '-')
    return Status::Error(std::string(what) + " must be an id this stream sent (a whole number)");
  return std::optional<int64_t>(id);
}

}  // namespace

std::string SseFrame(int64_t id, std::string_view event, std::string_view data) {
  std::string out = "id: " + std::to_string(id) + "\n";
  AppendLines(out, "event", event);
  AppendLines(out, "data", data);
  out += '\n';
  return out;
}

std::string SseComment(std::string_view text) {
  std::string out;
  AppendLines(out, "", text);
  out += '\n';
  return out;
}

std::string SseRetry(int ms) { return "retry: " + std::to_string(ms) + "\n\n"; }

Result<std::optional<int64_t>> StreamResumeFrom(const HttpRequest& req) {
  if (const std::string* header = req.Header("Last-Event-ID"); header != nullptr && !header->empty())
    return ParseCursor(*header, "Last-Event-ID");
  std::string since = QueryParam(req, "since_id");
  if (!since.empty()) return ParseCursor(since, "since_id");
  return std::optional<int64_t>();
}

}  // namespace vigil

#include "sources/webhook/request_values.h"

#include <strings.h>

#include <algorithm>
#include <functional>

#include "common/hex.h"
#include "common/json_depth.h"
#include "sources/webhook/payload_projection.h"

namespace vigil {
namespace {

bool IsArrayIndex(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The media type of a Content-Type value, lower-cased, without parameters.
std::string MediaType(const std::string* content_type) {
  if (!content_type) return {};
  std::string type = content_type->substr(0, content_type->find(';'));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

// RFC 6901: segments after each '/', with "~1" for '/' and "~0" for '~'.
Status ParsePointer(std::string_view text, std::vector<std::string>& segments) {
  std::string segment;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      segments.push_back(std::move(segment));
      segment.clear();
    } else if (text[i] == '~') {
      char next = i + 1 < text.size() ? text[i + 1] : '\0';
      if (next != '0' && next != '1') return Status::Error("'~' must be followed by 0 or 1");
      segment += next == '0' ? '~' : '/';
      ++i;
    } else {
      segment += text[i];
    }
  }
  return Status::Ok();
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_as_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && HexDigitValue(text[i + 1]) >= 0 && HexDigitValue(text[i + 2]) >= 0) {
      out += char(HexDigitValue(text[i + 1]) << 4 | HexDigitValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

FormFields ParseFormUrlEncoded(std::string_view text) {
  FormFields fields;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    fields.emplace_back(PercentDecode(pair.substr(0, eq), true), PercentDecode(value, true));
  }
  return fields;
}

nlohmann::json FormToJson(const FormFields& fields) {
  if (fields.size() == 1 && fields[0].first == "payload") {
    auto parsed = ParseJsonOrDiscarded(fields[0].second);
    if (parsed.is_object() || parsed.is_array()) return parsed;
  }
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : fields) {
    auto it = object.find(name);
    if (it == object.end()) {
      object[name] = value;
    } else {
      if (!it->is_array()) *it = nlohmann::json::array({*it});
      it->push_back(value);
    }
  }
  return object;
}

namespace {

using JsonParser = std::function<std::optional<nlohmann::json>(std::string_view)>;

// A form's single "payload" field (Slack's style) holds JSON; it is bounded like a JSON body.
Result<nlohmann::json> ReadForm(const std::string& body) {
  FormFields fields = ParseFormUrlEncoded(body);
  if (fields.size() == 1 && fields[0].first == "payload" && !JsonDepthAllowed(fields[0].second))
    return Status::Error("the payload field: " + JsonTooDeepMessage());
  return FormToJson(fields);
}

// Both parsers refuse JSON nesting past kMaxJsonDepth before they parse (common/json_depth.h).
Result<nlohmann::json> ReadPayload(const HttpRequest& request, const JsonParser& parse_json) {
  std::string type = MediaType(request.Header("Content-Type"));
  if (type == "application/x-www-form-urlencoded") return ReadForm(request.body);
  bool body_is_blank = std::all_of(request.body.begin(), request.body.end(),
                                   [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
  if (body_is_blank) return nlohmann::json::object();
  auto parsed = parse_json(request.body);
  if (!parsed && !JsonDepthAllowed(request.body)) return Status::Error("body: " + JsonTooDeepMessage());
  if (!parsed) return Status::Error("body is not valid JSON (Content-Type " + (type.empty() ? "absent" : type) + ")");
  return std::move(*parsed);
}

}  // namespace

Result<nlohmann::json> PayloadFromRequest(const HttpRequest& request) {
  return ReadPayload(request, [](std::string_view body) -> std::optional<nlohmann::json> {
    auto parsed = ParseJsonOrDiscarded(body);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
  });
}

Result<nlohmann::json> PayloadFromRequest(const HttpRequest& request, const PayloadProjection& projection) {
  return ReadPayload(request, [&](std::string_view body) { return projection.Parse(body); });
}

Result<PayloadPath> PayloadPath::Parse(std::string_view text) {
  if (text.empty()) return Status::Error("empty path");
  PayloadPath path;
  if (text.front() == '/') {
    if (Status s = ParsePointer(text, path.segments_); !s.ok()) return s;
    return path;
  }
  while (true) {
    size_t dot = text.find('.');
    std::string_view segment = text.substr(0, dot);
    if (segment.empty()) return Status::Error("empty segment in dotted path");
    path.segments_.emplace_back(segment);
    if (dot == std::string_view::npos) break;
    text = text.substr(dot + 1);
  }
  return path;
}

const nlohmann::json* PayloadPath::Find(const nlohmann::json& payload) const {
  const nlohmann::json* node = &payload;
  for (const std::string& segment : segments_) {
    if (node->is_object()) {
      auto it = node->find(segment);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array() && IsArrayIndex(segment)) {
      size_t index = std::stoul(segment);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

std::string JsonValueText(const nlohmann::json& value) {
  // Form values may hold any bytes; replace invalid UTF-8 rather than throw.
  return value.is_string() ? value.get<std::string>()
                           : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> HeaderValue(const HttpRequest& request, std::string_view name) {
  const std::string* value = request.Header(name);
  if (!value) return std::nullopt;
  return *value;
}

std::optional<std::string> QueryValue(const HttpRequest& request, std::string_view name) {
  for (auto& [key, value] : ParseQueryString(request.query)) {
    if (key == name) return std::move(value);
  }
  return std::nullopt;
}

std::optional<std::string> PayloadValue(const nlohmann::json& payload, const PayloadPath& path) {
  const nlohmann::json* value = path.Find(payload);
  if (!value) return std::nullopt;
  return JsonValueText(*value);
}

}  // namespace vigil

// Reading named values out of a webhook request: a header, a query parameter, or a field of the
// JSON payload by path. Shared by trigger rules and by the mapping of a request to an event.
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http/http_types.h"
#include "common/status.h"

namespace vigil {

class PayloadProjection;

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Splits "a=1&b=x+y%21" into pairs, in order, percent-decoding names and values and reading '+'
// as a space. A pair without '=' has an empty value; empty pairs ("&&") are skipped; a '%' not
// followed by two hex digits is kept as it is.
FormFields ParseFormUrlEncoded(std::string_view text);
// A query string is read by the same rules as a form body.
inline FormFields ParseQueryString(std::string_view query) { return ParseFormUrlEncoded(query); }

// Percent-decodes text; with plus_as_space, '+' becomes ' '.
std::string PercentDecode(std::string_view text, bool plus_as_space);

// A form as a JSON payload. Slack sends interactive payloads as a single field `payload=<json>`:
// if the form is exactly that and it parses as a JSON object or array, that is the payload.
// Otherwise an object of the fields, with strings as values; a name repeated becomes an array.
nlohmann::json FormToJson(const FormFields& fields);

// The request body as a JSON payload, by Content-Type: JSON ("application/json", "...+json"),
// a form ("application/x-www-form-urlencoded", via FormToJson), or, for an empty body, an empty
// object. Anything else is tried as JSON. Errors say what could not be parsed, not the body; JSON
// (a body, or a form's payload field) nesting deeper than kMaxJsonDepth is refused before parsing.
Result<nlohmann::json> PayloadFromRequest(const HttpRequest& request);
// The same, except that a JSON body is parsed into only what the projection keeps (see
// payload_projection.h); a form or a blank body is read in full as above.
Result<nlohmann::json> PayloadFromRequest(const HttpRequest& request, const PayloadProjection& projection);

// A path into a JSON payload. Two spellings: dotted ("pull_request.head.ref", "commits.0.id") or
// JSON pointer ("/pull_request/head/ref", with ~0 and ~1 escapes). A dotted path cannot name keys
// that contain '.'; use a pointer for those.
class PayloadPath {
 public:
  // Errors: an empty path, an empty dotted segment ("a..b"), a bad pointer escape.
  static Result<PayloadPath> Parse(std::string_view text);

  // The value at the path, or nullptr if any step is missing. A step into an array must be a
  // decimal index within bounds.
  const nlohmann::json* Find(const nlohmann::json& payload) const;

  const std::vector<std::string>& segments() const { return segments_; }

 private:
  std::vector<std::string> segments_;
};

// A JSON value as text for comparison: a string is its content; anything else its compact JSON
// ("42", "true", "null", "[1,2]").
std::string JsonValueText(const nlohmann::json& value);

// First header with this name (case-insensitive).
std::optional<std::string> HeaderValue(const HttpRequest& request, std::string_view name);
// First query parameter with this name (exact match, after decoding).
std::optional<std::string> QueryValue(const HttpRequest& request, std::string_view name);
// The payload value at the path, as JsonValueText.
std::optional<std::string> PayloadValue(const nlohmann::json& payload, const PayloadPath& path);

}  // namespace vigil

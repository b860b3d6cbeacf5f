#include "config/scalar_values.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "config/units.h"

namespace vigil {
namespace {

bool InBounds(const KeySpec& spec, double v) {
  return (spec.min == 0 && spec.max == 0) || (v >= spec.min && v <= spec.max);
}

std::string BoundsText(const KeySpec& spec) {
  std::ostringstream s;
  s << "must be between " << spec.min << " and " << spec.max;
  return s.str();
}

bool ValidListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::atoi(port.c_str()) <= 65535;
}

std::optional<nlohmann::json> Fail(std::string* why, std::string text) {
  if (why) *why = std::move(text);
  return std::nullopt;
}

std::optional<nlohmann::json> NormaliseNumber(const KeySpec& spec, const std::string& text, std::string* why) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') return Fail(why, std::string("expected ") + KeyTypeName(spec.type) + ", got \"" + text + "\"");
  if (spec.type == KeyType::kInt && std::floor(v) != v) return Fail(why, "expected an integer, got \"" + text + "\"");
  if (!InBounds(spec, v)) return Fail(why, BoundsText(spec) + ", got " + text);
  if (spec.type == KeyType::kInt) return nlohmann::json(static_cast<int64_t>(v));
  return nlohmann::json(v);
}

}  // namespace

std::optional<nlohmann::json> NormaliseScalar(const KeySpec& spec, const std::string& text, std::string* why) {
  switch (spec.type) {
    case KeyType::kString:
    case KeyType::kSecret:
      return nlohmann::json(text);
    case KeyType::kEnum:
      for (const auto& c : spec.choices) {
        if (c == text) return nlohmann::json(text);
      }
      {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        return Fail(why, "\"" + text + "\" is not one of " + list);
      }
    case KeyType::kInt:
    case KeyType::kFloat: {
      // A number key may also take words ("auto" for jobs.prefetch), kept as the word.
      std::string words;
      for (const auto& c : spec.choices) {
        if (c == text) return nlohmann::json(text);
        words += (words.empty() ? "" : ", ") + c;
      }
      auto n = NormaliseNumber(spec, text, why);
      if (!n && why && !words.empty()) *why += " (or " + words + ")";
      return n;
    }
    case KeyType::kBool:
      if (text == "true" || text == "yes" || text == "on") return nlohmann::json(true);
      if (text == "false" || text == "no" || text == "off") return nlohmann::json(false);
      return Fail(why, "expected true or false, got \"" + text + "\"");
    case KeyType::kDuration: {
      auto d = ParseDuration(text);
      if (!d) return Fail(why, DurationError(text));
      if (!InBounds(spec, static_cast<double>(d->count())))
        return Fail(why, "must be between " + FormatDuration(std::chrono::milliseconds(int64_t(spec.min))) + " and " +
                             FormatDuration(std::chrono::milliseconds(int64_t(spec.max))) + ", got " + text);
      return nlohmann::json(d->count());
    }
    case KeyType::kSize: {
      auto n = ParseByteSize(text);
      if (!n) return Fail(why, "expected a size such as 512, 64KiB or 1MiB, got \"" + text + "\"");
      if (!InBounds(spec, static_cast<double>(*n)))
        return Fail(why, "must be between " + FormatByteSize(static_cast<uint64_t>(spec.min)) + " and " +
                             FormatByteSize(static_cast<uint64_t>(spec.max)) + ", got " + text);
      return nlohmann::json(*n);
    }
    case KeyType::kListen:
      if (!ValidListen(text)) return Fail(why, "expected host:port such as 127.0.0.1:8470, got \"" + text + "\"");
      return nlohmann::json(text);
    default:
      return Fail(why, std::string("expected a ") + KeyTypeName(spec.type) + ", got a scalar");
  }
}

Result<std::string> ExpandEnv(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") == 0) {
      auto close = text.find('}', i + 2);
      if (close == std::string::npos) return Status::Error("unterminated ${ in \"" + text + "\"");
      std::string name = text.substr(i + 2, close - i - 2);
      const char* value = std::getenv(name.c_str());
      if (value == nullptr) return Status::Error("environment variable " + name + " is not set");
      out += value;
      i = close + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace vigil

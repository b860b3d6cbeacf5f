#include "daemon/cli/output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "common/iso8601.h"
#include "common/logging.h"
#include "common/nearest.h"
#include "common/utf8_cut.h"

namespace vigil::cli {
namespace {

// Characters that show: UTF-8 lead bytes outside ANSI escape sequences.
size_t ShownWidth(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// `s` cut to `width` shown characters, "…" last when cut; colour is dropped from a cut cell.
std::string CutShown(const std::string& s, size_t width) {
  if (ShownWidth(s) <= width) return s;
  if (width == 0) return "";
  std::string plain;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    plain += s[i];
  }
  size_t bytes = 0, shown = 0;
  while (bytes < plain.size() && shown < width - 1) {
    ++bytes;
    while (bytes < plain.size() && (static_cast<unsigned char>(plain[bytes]) & 0xC0) == 0x80) ++bytes;
    ++shown;
  }
  return std::string(CutUtf8(plain, bytes)) + "\u2026";
}

std::string MinuteUtc(TimePoint t) {
  std::string iso = FormatIso8601(t);  // 2026-12-01T20:00:00+00:00
  return iso.substr(0, 16) + "Z";
}

}  // namespace

std::optional<TimePoint> ReadStoredTime(std::string_view stored) {
  if (stored.empty()) return std::nullopt;
  bool number = true;
  for (char c : stored) number = number && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
  if (number) {
    double secs = std::strtod(std::string(stored).c_str(), nullptr);
    if (!(secs > 0 && secs < 9e9)) return std::nullopt;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(secs)));
  }
  // PostgreSQL's text form "2026-12-01 19:50:00.123456+00" reads as ISO 8601 once the fraction
  // is cut to what the parser takes.
  std::string text(stored);
  if (auto dot = text.find('.'); dot != std::string::npos && dot > 10) {
    size_t end = dot + 1;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    text.erase(dot, end - dot);
  }
  auto t = ParseIso8601(text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::string HumanDuration(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms < 0) return "-" + HumanDuration(std::chrono::milliseconds(-ms));
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 10'000) {
    char buf[16];
    snprintf(buf, sizeof buf, "%.1fs", ms / 1000.0);
    std::string s = buf;
    if (s.ends_with(".0s")) s.erase(s.size() - 3, 2);
    return s;
  }
  int64_t secs = (ms + 500) / 1000;
  static const std::pair<int64_t, const char*> kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (size_t i = 0; i < 4; ++i) {
    auto [size, name] = kUnits[i];
    if (secs < size) continue;
    std::string out = std::to_string(secs / size) + name;
    if (i + 1 < 4) {
      auto [next, next_name] = kUnits[i + 1];
      int64_t rest = (secs % size) / next;
      if (rest > 0) out += " " + std::to_string(rest) + next_name;
    }
    return out;
  }
  return "0s";
}

std::string Relative(TimePoint t, TimePoint now) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - now);
  if (std::llabs(d.count()) < 1000) return "now";
  int64_t secs = (std::llabs(d.count()) + 500) / 1000;
  if (d.count() > 0) return "in " + HumanDuration(std::chrono::seconds(secs));
  return HumanDuration(std::chrono::seconds(secs)) + " ago";
}

std::string HumanTime(TimePoint t, TimePoint now) {
  if (t == TimePoint{}) return "-";
  return MinuteUtc(t) + " (" + Relative(t, now) + ")";
}

std::string HumanTimeText(std::string_view stored, TimePoint now) {
  if (stored.empty()) return "-";
  auto t = ReadStoredTime(stored);
  return t ? HumanTime(*t, now) : std::string(stored);
}

std::string JsonTime(TimePoint t) { return FormatUtcZ(t); }

std::string JsonTimeText(std::string_view stored) {
  auto t = ReadStoredTime(stored);
  return t ? JsonTime(*t) : std::string(stored);
}

std::string HumanNumber(double n) {
  if (!std::isfinite(n)) return std::to_string(n);
  if (n < 0) return "-" + HumanNumber(-n);
  if (n == 0) return "0";
  if (n < 100) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.3g", n);
    return buf;
  }
  int digits = static_cast<int>(std::floor(std::log10(n))) + 1;
  double scale = std::pow(10.0, std::max(0, digits - 3));
  auto whole = static_cast<int64_t>(std::llround(n / scale) * scale);
  std::string s = std::to_string(whole);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)), flexible_(headers_.size() - 1) {}

Table& Table::Flexible(size_t column) {
  flexible_ = std::min(column, headers_.size() - 1);
  return *this;
}

void Table::Add(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (auto& c : cells) {
    for (auto& ch : c) if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  }
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out, int width) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = ShownWidth(headers_[c]);
    for (const auto& r : rows_) widths[c] = std::max(widths[c], ShownWidth(r[c]));
  }
  if (width > 0) {
    size_t total = 0;
    for (size_t w : widths) total += w;
    total += 2 * (widths.size() - 1);
    size_t limit = static_cast<size_t>(width);
    if (total > limit) {
      size_t others = total - widths[flexible_];
      size_t floor = std::max<size_t>(ShownWidth(headers_[flexible_]), 8);
      widths[flexible_] = limit > others + floor ? limit - others : floor;
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string cell = CutShown(cells[c], widths[c]);
      text += cell;
      if (c + 1 < cells.size()) text += std::string(widths[c] - ShownWidth(cell) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  line(headers_);
  for (const auto& r : rows_) line(r);
}

void Table::Print(std::ostream& out) const { Print(out, TerminalWidth()); }

int TerminalWidth() {
  if (const char* cols = std::getenv("COLUMNS"); cols && *cols) {
    int n = std::atoi(cols);
    if (n > 0) return n;
  }
  if (!isatty(STDOUT_FILENO)) return 0;
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

bool ColourOn(FILE* stream) {
  if (const char* no = std::getenv("NO_COLOR"); no && *no) return false;
  if (const char* term = std::getenv("TERM"); term && std::string_view(term) == "dumb") return false;
  return isatty(fileno(stream));
}

std::string Paint(Tone tone, std::string_view text, bool on) {
  if (!on || tone == Tone::kPlain) return std::string(text);
  const char* code = "";
  switch (tone) {
    case Tone::kGood: code = "32"; break;
    case Tone::kWarn: code = "33"; break;
    case Tone::kBad: code = "31"; break;
    case Tone::kDim: code = "2"; break;
    case Tone::kBold: code = "1"; break;
    case Tone::kPlain: break;
  }
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

Tone ToneOf(std::string_view word) {
  for (std::string_view w : {"failed", "refused", "dead", "error", "high", "cancelled", "stale"})
    if (word == w) return Tone::kBad;
  for (std::string_view w : {"running", "ok", "succeeded", "done", "acted", "completed", "sent", "delivered"})
    if (word == w) return Tone::kGood;
  for (std::string_view w : {"backing-off", "retrying", "pending", "medium", "shadowed", "held", "waiting"})
    if (word == w) return Tone::kWarn;
  for (std::string_view w : {"disabled", "off", "low", "dismissed", "read", "skipped"})
    if (word == w) return Tone::kDim;
  return Tone::kPlain;
}

std::string PaintWord(std::string_view word) { return Paint(ToneOf(word), word, ColourOn(stdout)); }

int Fail(std::string_view message, int code) {
  std::cerr << "vigil: " << message << "\n";
  return code;
}

std::string Joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

int CheckOneOf(std::string_view flag, std::string_view value, const std::vector<std::string>& valid) {
  for (const auto& v : valid) {
    if (v == value) return 0;
  }
  return Fail(std::string(flag) + ": \"" + std::string(value) + "\" is not one of " + Joined(valid) +
                  DidYouMean(value, valid),
              2);
}

void InitCliLogging() {
  LogOptions lo;
  lo.level = spdlog::level::warn;
  if (const char* level = std::getenv("VIGIL_LOG_LEVEL"); level && *level) lo.level = spdlog::level::from_str(level);
  InitLogging(lo);
}

}  // namespace vigil::cli

// How every verb speaks to a person, in one voice:
//   - times in tables as ISO 8601 UTC to the minute with how far from now:
//       2026-12-01T20:00Z (in 10m)      2026-12-01T19:50Z (10m ago)
//     and in --json as ISO 8601 UTC to the second: "2026-12-01T20:00:00Z";
//   - durations and rates rounded for people: "340ms", "2.5s", "10m", "1h 30m", "3d 4h", "2,913/s";
//   - tables whose columns are as wide as their content, the widest text column cut (on a UTF-8
//     boundary, with "…") to the terminal's width; nothing is cut when the output is piped;
//   - colour only on a terminal, and never with NO_COLOR set or TERM=dumb;
//   - errors as `vigil: <message>` on stderr (exit 1 at run time, 2 for usage and config);
//     log lines in the daemon's own format (InitCliLogging).
// Pure functions apart from TerminalWidth/ColourOn (which read the environment and the tty).
#pragma once

#include <cstdio>
#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace vigil::cli {

// "2026-12-01T20:00Z (in 10m)"; "-" for a zero time point.
std::string HumanTime(TimePoint t, TimePoint now);
// A time as a store keeps it (ISO 8601 in any spelling ParseIso8601 reads, "2026-12-01 19:50:00",
// or epoch seconds as a number), shown as HumanTime; "-" for empty; the text as it is when it does
// not parse.
std::string HumanTimeText(std::string_view stored, TimePoint now);
// "2026-12-01T20:00:00Z" (--json).
std::string JsonTime(TimePoint t);
// JsonTime of a stored time (as HumanTimeText reads it); null-like "" stays "", unparsable stays.
std::string JsonTimeText(std::string_view stored);
// A stored time read as HumanTimeText reads it; nullopt when it does not parse.
std::optional<TimePoint> ReadStoredTime(std::string_view stored);

// "340ms", "2.5s", "45s", "10m", "1h 30m", "3d 4h" (two units at most; negative as "-10m").
std::string HumanDuration(std::chrono::milliseconds d);
// "10m" before now as "10m ago", after as "in 10m".
std::string Relative(TimePoint t, TimePoint now);
// 3 significant figures with thousands separators: 2913.4 -> "2,913", 0.03448 -> "0.0345".
std::string HumanNumber(double n);

// Columns of text for a person. Cells may hold UTF-8 and ANSI colour (Paint); widths count
// characters that show.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  // The column cut first when the table is wider than the terminal (default: the last).
  Table& Flexible(size_t column);
  void Add(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // width 0: no limit (piped output).
  void Print(std::ostream& out, int width) const;
  void Print(std::ostream& out) const;  // the terminal's width when stdout is one, else no limit

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  size_t flexible_;
};

// COLUMNS when set, else stdout's terminal width, else 0 (not a terminal: no limit).
int TerminalWidth();

enum class Tone { kPlain, kGood, kWarn, kBad, kDim, kBold };
// Colour for `stream`: a terminal, NO_COLOR unset, TERM not "dumb".
bool ColourOn(FILE* stream);
// `text` in `tone` (ANSI) when `on`.
std::string Paint(Tone tone, std::string_view text, bool on);
// The tone of a state word: failed/refused/dead/error -> bad, running/ok/succeeded/done -> good, ...
Tone ToneOf(std::string_view word);
// Paint(ToneOf(word), word, ColourOn(stdout)).
std::string PaintWord(std::string_view word);

// "a, b, c".
std::string Joined(const std::vector<std::string>& items, std::string_view separator = ", ");

// Prints `vigil: <message>` to stderr and returns `code`.
int Fail(std::string_view message, int code = 1);
// `vigil: --flag: "value" is not one of a, b, c` (exit 2) when `value` is not in `valid`.
// Returns 0 when it is.
int CheckOneOf(std::string_view flag, std::string_view value, const std::vector<std::string>& valid);

// The daemon's text log format on stderr for the CLI's own log lines (level from VIGIL_LOG_LEVEL,
// default warn, so a verb's output is not interleaved with info lines).
void InitCliLogging();

}  // namespace vigil::cli

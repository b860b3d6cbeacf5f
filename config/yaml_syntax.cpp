#include "config/yaml_syntax.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <vector>

namespace vigil {
namespace {

// An open key or list item above the line being read: its column, its path segment ("http",
// "[1]"), and the column its children take (-1 until the first one is seen).
struct Frame {
  int column;
  std::string segment;
  bool opens_block;  // "key:" with nothing after it, or a list item
  int child_column = -1;
  int items = 0;
};

// A quote or flow bracket that a line opened and has not closed yet.
struct Opener {
  int line;
  int column;
  char what;
  std::string path;
};

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// The index after the quote closing one opened just before `from`; npos if the line ends first.
size_t AfterClosingQuote(const std::string& s, size_t from, char quote) {
  for (size_t i = from; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') ++i;
    else if (quote == '\'' && s[i] == '\'' && i + 1 < s.size() && s[i + 1] == '\'') ++i;
    else if (s[i] == quote) return i + 1;
  }
  return std::string::npos;
}

// `s` without a comment (a '#' at its start or after a space) and trailing spaces.
std::string StripComment(const std::string& s) {
  std::string out = s;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '#' && (i == 0 || out[i - 1] == ' ')) {
      out.resize(i);
      break;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

// The colon ending a plain key at the start of `s` (": " or a final ':'), npos if none.
size_t KeyColon(const std::string& s) {
  if (s.empty() || s[0] == '[' || s[0] == '{') return std::string::npos;
  size_t from = 0;
  if (s[0] == '"' || s[0] == '\'') from = AfterClosingQuote(s, 1, s[0]);
  for (size_t i = from; i != std::string::npos && i < s.size(); ++i) {
    if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return i;
  }
  return std::string::npos;
}

std::string Quoted(const std::string& s) { return "\"" + (s.size() > 40 ? s.substr(0, 37) + "..." : s) + "\""; }

class Reader {
 public:
  // `quotes_only`: read on past other findings, and report only a quote still open at the end.
  Reader(std::vector<std::string> lines, int stop, bool quotes_only = false)
      : lines_(std::move(lines)), stop_(stop), quotes_only_(quotes_only) {}

  // The first mistake on lines 0..stop, if one is recognised.
  std::optional<YamlSyntaxError> Read() {
    for (int i = 0; i <= stop_ && i < static_cast<int>(lines_.size()); ++i) {
      auto found = ReadLine(i);
      if (found && !quotes_only_) return found;
    }
    if (quotes_only_) {
      if (!quote_) return std::nullopt;
      return At(*quote_, "the quote (" + std::string(1, quote_->what) + ") opened here is not closed");
    }
    if (quote_) return At(*quote_, "the quote (" + std::string(1, quote_->what) + ") opened here is not closed");
    if (!flow_.empty()) {
      char close = flow_.back().what == '[' ? ']' : '}';
      return At(flow_.front(), "the " + std::string(1, flow_.front().what) + " opened here has no matching " + close);
    }
    return std::nullopt;
  }

  // The key the parser's stopping line sits in ("" at the top level).
  const std::string& enclosing() const { return enclosing_; }

 private:
  std::optional<YamlSyntaxError> ReadLine(int i) {
    const std::string& raw = lines_[i];
    if (quote_) {
      size_t end = AfterClosingQuote(raw, 0, quote_->what);
      if (end == std::string::npos) return std::nullopt;
      quote_.reset();
      return AfterValue(i, raw, end);
    }
    if (!flow_.empty()) {
      ScanFlow(i, raw, 0);
      return std::nullopt;
    }
    int indent = 0;
    while (indent < static_cast<int>(raw.size()) && (raw[indent] == ' ' || raw[indent] == '\t')) ++indent;
    std::string content = StripComment(raw.substr(indent));
    if (block_scalar_ >= 0 && (content.empty() || indent > block_scalar_)) return std::nullopt;
    block_scalar_ = -1;
    if (content.empty() || content == "---" || content == "...") return std::nullopt;
    size_t tab = raw.find('\t');
    if (tab < static_cast<size_t>(indent)) {
      // A tab's width is the editor's: the line is in the innermost key above that holds a block.
      while (!stack_.empty() && !stack_.back().opens_block) stack_.pop_back();
      return Error(i, static_cast<int>(tab), "a tab in the indentation (YAML indents with spaces only)");
    }
    Pop(indent);
    if (i == stop_) enclosing_ = Path();
    if (auto bad = CheckIndent(i, indent, content)) return bad;
    bool dash = content == "-" || content.starts_with("- ");
    if (!dash && KeyColon(content) == std::string::npos) {
      if (!AtKeyColumn(indent)) return std::nullopt;  // a plain text's next line
      return Error(i, indent, Quoted(content) + " is not \"key: value\": a colon is missing after the key");
    }
    return Push(i, indent, content, dash);
  }

  // A line deeper than the key above it: under a key whose value is on its line, or between the
  // columns of the keys above.
  std::optional<YamlSyntaxError> CheckIndent(int i, int indent, const std::string& content) {
    if (stack_.empty() || indent <= stack_.back().column) return std::nullopt;
    Frame& top = stack_.back();
    if (!top.opens_block) {
      if (KeyColon(content) == std::string::npos) return std::nullopt;  // a plain text's next line
      std::string key = top.segment;
      stack_.pop_back();  // the key with the value is beside this line's intended place, not around it
      return Error(i, indent, "this line is indented under \"" + key + "\", which has its value on its line (indent it like \"" +
                                  key + "\"?)");
    }
    if (top.child_column < 0) {
      top.child_column = indent;
      return std::nullopt;
    }
    if (indent == top.child_column) return std::nullopt;
    return Error(i, indent, "this line is indented " + std::to_string(indent) + " spaces, but the keys beside it are at " +
                                std::to_string(top.child_column));
  }

  bool AtKeyColumn(int indent) const {
    if (stack_.empty()) return indent == 0;
    const Frame& top = stack_.back();
    return top.opens_block && (top.child_column < 0 || indent == top.child_column);
  }

  std::optional<YamlSyntaxError> Push(int i, int indent, const std::string& content, bool dash) {
    int column = indent;
    std::string rest = content;
    if (dash) {
      int index = stack_.empty() ? root_items_++ : stack_.back().items++;
      stack_.push_back({indent, "[" + std::to_string(index) + "]", true, indent + 2});
      size_t lead = rest.find_first_not_of(' ', 1);
      if (lead == std::string::npos) return std::nullopt;
      column = indent + static_cast<int>(lead);
      stack_.back().child_column = column;
      rest = rest.substr(lead);
    }
    size_t colon = KeyColon(rest);
    if (colon == std::string::npos) return Value(i, column, rest, 0);  // a list item's value
    size_t value_at = rest.find_first_not_of(' ', colon + 1);
    std::string key = rest.substr(0, colon);
    stack_.push_back({column, key, value_at == std::string::npos});
    if (value_at == std::string::npos) return std::nullopt;
    return Value(i, column, rest, value_at);
  }

  // The value starting at `rest[at]` on line i (whose `rest` starts at `column`).
  std::optional<YamlSyntaxError> Value(int i, int column, const std::string& rest, size_t at) {
    char c = rest[at];
    size_t raw_at = static_cast<size_t>(column) + at;
    if (c == '"' || c == '\'') {
      size_t end = AfterClosingQuote(lines_[i], raw_at + 1, c);
      if (end == std::string::npos) {
        quote_ = Opener{i, static_cast<int>(raw_at), c, Path()};
        return std::nullopt;
      }
      return AfterValue(i, lines_[i], end);
    }
    if (c == '[' || c == '{') ScanFlow(i, lines_[i], raw_at);
    if ((c == '|' || c == '>') && rest.find_first_not_of("-+0123456789", at + 1) == std::string::npos)
      block_scalar_ = stack_.empty() ? 0 : stack_.back().column;
    return std::nullopt;
  }

  // After a quoted value closes at `raw[end]`, only a comment may follow.
  std::optional<YamlSyntaxError> AfterValue(int i, const std::string& raw, size_t end) {
    std::string after = StripComment(raw.substr(end));
    size_t text = after.find_first_not_of(' ');
    if (text == std::string::npos || !flow_.empty() || after[text] == ',' || after[text] == ':') return std::nullopt;
    return Error(i, static_cast<int>(end + text), "text after the closing quote (quote the whole value)");
  }

  void ScanFlow(int i, const std::string& raw, size_t from) {
    for (size_t k = from; k < raw.size(); ++k) {
      char c = raw[k];
      if (c == '#' && (k == 0 || raw[k - 1] == ' ')) break;
      if ((c == '"' || c == '\'') && k > 0 && std::string("[{, :").find(raw[k - 1]) != std::string::npos) {
        size_t end = AfterClosingQuote(raw, k + 1, c);
        if (end == std::string::npos) break;
        k = end - 1;
      } else if (c == '[' || c == '{') {
        flow_.push_back({i, static_cast<int>(k), c, Path()});
      } else if ((c == ']' || c == '}') && !flow_.empty()) {
        flow_.pop_back();
      }
    }
  }

  void Pop(int indent) {
    while (!stack_.empty() && stack_.back().column >= indent) stack_.pop_back();
  }

  std::string Path() const {
    std::string path;
    for (const Frame& f : stack_) path += (path.empty() || f.segment[0] == '[' ? "" : ".") + f.segment;
    return path;
  }

  YamlSyntaxError Error(int line, int column, const std::string& what) const { return {line, column, Prefix(Path()) + what}; }
  YamlSyntaxError At(const Opener& o, const std::string& what) const { return {o.line, o.column, Prefix(o.path) + what}; }

  static std::string Prefix(const std::string& path) {
    return path.empty() ? "invalid YAML: " : "invalid YAML in " + path + ": ";
  }

  std::vector<std::string> lines_;
  int stop_;
  bool quotes_only_;
  std::vector<Frame> stack_;
  int root_items_ = 0;
  int block_scalar_ = -1;  // the column of the key whose `|` or `>` text is being read
  std::optional<Opener> quote_;
  std::vector<Opener> flow_;
  std::string enclosing_;
};

}  // namespace

std::optional<YamlSyntaxError> FindUnclosedQuote(const std::string& text) {
  std::vector<std::string> lines = SplitLines(text);
  int last = static_cast<int>(lines.size()) - 1;
  return Reader(std::move(lines), last, true).Read();
}

YamlSyntaxError ExplainYamlError(const std::string& text, int line, int column, const std::string& what) {
  std::vector<std::string> lines = SplitLines(text);
  int stop = line < 0 ? static_cast<int>(lines.size()) - 1 : std::min(line, static_cast<int>(lines.size()) - 1);
  Reader reader(std::move(lines), stop);
  if (auto found = reader.Read()) {
    if (found->line != line) found->message += " (the parser stopped at line " + std::to_string(line + 1) + ": " + what + ")";
    return *found;
  }
  const std::string& in = reader.enclosing();
  return {line, column, (in.empty() ? "invalid YAML: " : "invalid YAML in " + in + ": ") + what};
}

}  // namespace vigil

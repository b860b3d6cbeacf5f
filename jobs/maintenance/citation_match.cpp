#include "jobs/maintenance/citation_match.h"

#include <algorithm>
#include <sstream>

#include "sources/literature/html_text.h"

namespace vigil {
namespace {

// Latin-1 Supplement and Latin Extended-A letters with their base letters (two-byte UTF-8).
char FoldDiacritic(char32_t c) {
  static const char* kLatin1 = "AAAAAAACEEEEIIIIDNOOOOO/OUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00C0..U+00FF
  if (c >= 0xC0 && c <= 0xFF) return kLatin1[c - 0xC0];
  static const char* kExtA =
      "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
  if (c >= 0x100 && c <= 0x17F) return kExtA[c - 0x100];
  return 0;
}

std::vector<std::string> Words(std::string_view text) {
  std::istringstream in(NormalizeForMatch(text));
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Edit distance at most one (substitution, insertion or deletion).
bool WithinOneEdit(const std::string& a, const std::string& b) {
  if (a.size() > b.size()) return WithinOneEdit(b, a);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return a.compare(i + 1, std::string::npos, b, i + 1, std::string::npos) == 0;
  return a.compare(i, std::string::npos, b, i + 1, std::string::npos) == 0;
}

bool Contains(const std::vector<std::string>& words, const std::string& word, bool fuzzy) {
  for (const auto& w : words) {
    if (w == word || (fuzzy && word.size() >= 5 && WithinOneEdit(w, word))) return true;
  }
  return false;
}

bool LooksLikeIdentifier(const std::string& w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
         w == "doi" || w == "pmid" || w == "arxiv" || w == "http" || w == "https" || w == "org" || w == "www";
}

}  // namespace

std::string NormalizeForMatch(std::string_view text) {
  std::string decoded = DecodeHtmlEntities(text);
  std::string out;
  for (size_t i = 0; i < decoded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(decoded[i]);
    if (c < 0x80) {
      out.push_back(std::isalnum(c) ? static_cast<char>(std::tolower(c)) : ' ');
      continue;
    }
    if ((c & 0xE0) == 0xC0 && i + 1 < decoded.size()) {
      char32_t cp = (char32_t(c & 0x1F) << 6) | (static_cast<unsigned char>(decoded[i + 1]) & 0x3F);
      char base = FoldDiacritic(cp);
      ++i;
      if (base != 0 && std::isalpha(static_cast<unsigned char>(base))) {
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(base))));
        if (cp == 0xDF) out.push_back('s');                                          // ß -> ss
        if (cp == 0xC6 || cp == 0xE6 || cp == 0x152 || cp == 0x153) out.push_back('e');  // æ -> ae, œ -> oe
        continue;
      }
    }
    out.push_back(' ');  // other characters (dashes, quotes, scripts we do not fold) separate words
  }
  std::istringstream in(out);
  std::string joined;
  for (std::string w; in >> w;) joined += (joined.empty() ? "" : " ") + w;
  return joined;
}

namespace {

double WordsFound(const std::vector<std::string>& title, const std::vector<std::string>& words) {
  if (title.empty()) return 0;
  size_t found = 0;
  for (const auto& w : title) found += Contains(words, w, true) ? 1 : 0;
  return double(found) / double(title.size());
}

// The title before its subtitle ("Magnetic studies of X. A mechanism for Y" -> "Magnetic studies
// of X"), which citations often give alone; "" when there is no subtitle.
std::string_view MainTitle(std::string_view title) {
  size_t cut = std::min(title.find(": "), title.find(". "));
  return cut == std::string_view::npos ? std::string_view() : title.substr(0, cut);
}

}  // namespace

double TitleScore(std::string_view record_title, std::string_view cited) {
  auto words = Words(cited);
  double full = WordsFound(Words(record_title), words);
  auto main = Words(MainTitle(record_title));
  return main.size() >= 4 ? std::max(full, WordsFound(main, words)) : full;
}

CitationMatch CompareCitation(std::string_view cited, std::string_view record_title, const std::vector<std::string>& authors,
                              int record_year) {
  CitationMatch m;
  auto words = Words(cited);
  m.comparable = std::count_if(words.begin(), words.end(), [](const std::string& w) { return !LooksLikeIdentifier(w); }) >= 3;
  if (!m.comparable) {
    m.confidence = 0.5;
    return m;
  }
  m.title = TitleScore(record_title, cited);
  for (const auto& name : authors) {
    auto parts = Words(name);
    if (parts.empty()) continue;
    if (Contains(words, parts.front(), false) || Contains(words, parts.back(), false)) m.author = true;
  }
  m.year = record_year > 0 && Contains(words, std::to_string(record_year), false);
  m.confidence = 0.8 * m.title + (m.author ? 0.1 : 0) + (m.year ? 0.1 : 0);
  return m;
}

}  // namespace vigil

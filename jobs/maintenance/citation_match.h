// Comparing what a citation says with the record its identifier resolves to. Text is normalised
// first (HTML entities decoded, Latin diacritics folded, lower case, punctuation to spaces), then
// the record's title is looked for in the cited text word by word, a word matching when it is
// equal or, for words of five letters or more, one edit away (typos, British/American spelling).
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// "Café &amp; Résumé: A Study" -> "cafe resume a study".
std::string NormalizeForMatch(std::string_view text);

// Fraction (0..1) of the record title's words found in `cited` (both raw; normalised here); a
// title with a subtitle also scores by its main title alone (before ": " or ". "), the better wins.
double TitleScore(std::string_view record_title, std::string_view cited);

struct CitationMatch {
  bool comparable = false;  // the citation has words of its own to compare (not just an identifier)
  double title = 0;         // TitleScore
  bool author = false;      // a record author's family name appears in the citation
  bool year = false;        // the record's year appears in the citation
  double confidence = 0;    // 0.8 title + 0.1 author + 0.1 year; 0.5 when not comparable
};

// `cited` is the citation text plus any cited title; `authors` are names as the record gives
// them ("Ray", "Olivero J Michael"): the first word of each counts as the family name, or the
// last word when the name has a comma-free "Given Family" form from arXiv (both are tried).
CitationMatch CompareCitation(std::string_view cited, std::string_view record_title, const std::vector<std::string>& authors,
                              int record_year);

}  // namespace vigil

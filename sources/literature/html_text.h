// HTML reduced to plain text, for feed titles and summaries that carry markup: tags stripped,
// script/style/comments dropped, character references decoded, whitespace collapsed, and line
// breaks kept where <br> and block elements (<p>, <div>, <li>, headings...) put them.
// Pure functions; any thread may call them. Malformed markup never fails: a '<' that does not
// open a tag is text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil {

// Decodes named (HTML 4 set plus &apos;), decimal (&#233;) and hex (&#xE9;) references.
// References need their ';'. Numeric 128..159 are read as windows-1252, as browsers do;
// NUL, surrogates and out-of-range numbers become U+FFFD. Unknown names stay as written.
std::string DecodeHtmlEntities(std::string_view text);

// Plain text of an HTML fragment. Runs of whitespace become one space; <br> becomes "\n";
// block elements separate paragraphs with "\n" (<p>, headings, <blockquote>: "\n\n").
// Leading and trailing whitespace is dropped. When max_bytes > 0 the result is cut to at
// most that many bytes on a UTF-8 boundary.
std::string HtmlToText(std::string_view html, size_t max_bytes = 0);

// True when text whose type is not declared (an RSS title) should be read as HTML and go
// through HtmlToText, by feedparser's rule: it holds a close tag ("</b>") or a character
// reference ("&amp;", "&#38;"), and every tag in it names an element HTML knows (feedparser's
// acceptable_elements) and every named reference is an HTML 4 one. So "1 &lt; 2" is HTML,
// while "History of the <blink> tag" and "a <b" are text and keep their brackets.
bool LooksLikeHtml(std::string_view text);

}  // namespace vigil

// Cutting elements out of XML text before it is parsed, found by name with a byte scan (no
// tree). Two uses: dropping parts of a document nobody reads (in efetch output the reference
// lists, history and affiliations are most of the bytes), and splitting a document of many
// records so each record is parsed on its own in a small buffer that stays in cache, instead
// of building one tree for the whole document. Pure functions; any thread may call them.
//
// The scan does not understand comments or CDATA sections (a tag inside one is not markup), so
// both functions refuse input holding either, and the caller parses it whole. An element that
// never closes is kept in place, so the parser still sees (and reports) the broken document.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

namespace vigil::xml_cut {

// Copies `xml` into `out` without the elements named in `skipped` (with their subtrees; nested
// and empty ones too). Returns false, leaving `out` unusable, on meeting a comment or CDATA.
bool CopyWithout(std::string_view xml, std::initializer_list<std::string_view> skipped,
                 std::string& out);

// Reads a document of records in one pass. Each element named in `record_names` is handed to
// `on_record` as text of its own, without the elements named in `skipped`, in a buffer the
// callback may change (parse in place); `skeleton` gets `xml` with each record replaced by an
// empty element of its name ("<PubmedArticle/>"), which tells where each record sat. Stops and
// returns false when the callback does, or on what a byte scan cannot be sure of: a comment or
// CDATA, a record inside a record, a record or skipped element that does not close.
bool SplitRecords(std::string_view xml, std::initializer_list<std::string_view> record_names,
                  std::initializer_list<std::string_view> skipped, std::string& skeleton,
                  const std::function<bool(std::string& record)>& on_record);

}  // namespace vigil::xml_cut

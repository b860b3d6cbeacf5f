#include "sources/literature/xml_cut.h"

#include <bitset>
#include <cstring>
#include <functional>

#include "sources/literature/ascii_words.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace vigil::xml_cut {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether `xml` at `at` (just past a '<' or "</") starts the name `name` followed by the end of
// a name ('>', '/', or whitespace before attributes).
bool NameAt(std::string_view xml, size_t at, std::string_view name) {
  // The first byte alone turns most tags away, without a call to memcmp.
  if (at + name.size() >= xml.size()) return false;
  if (!name.empty() && (xml[at] != name[0] ||
                        std::memcmp(xml.data() + at + 1, name.data() + 1, name.size() - 1) != 0)) {
    return false;
  }
  char next = xml[at + name.size()];
  return next == '>' || next == '/' || IsXmlSpace(next);
}

// A comment or CDATA section starts at `at` (a '<').
bool OpaqueAt(std::string_view xml, size_t at) {
  return xml.compare(at, 4, "<!--") == 0 || xml.compare(at, 9, "<![CDATA[") == 0;
}

// Position of `name` in xml[from...] or npos, by glibc's memmem.
size_t MemmemFrom(std::string_view xml, size_t from, std::string_view name) {
  if (from >= xml.size()) return std::string_view::npos;
  const void* hit = memmem(xml.data() + from, xml.size() - from, name.data(), name.size());
  return hit == nullptr ? std::string_view::npos
                        : static_cast<size_t>(static_cast<const char*>(hit) - xml.data());
}

// Position of the first occurrence of `name` in xml[from...], or npos. Sixteen candidate
// positions per step, kept when both the first and the last byte of the name match there (the
// generic SIMD substring search): in the long stretches an unread part spans few positions
// survive that test, and glibc's memmem costs more per call and per byte. The last bytes, where
// a 16-byte load would run past the end, go to memmem.
size_t FindName(std::string_view xml, size_t from, std::string_view name) {
#ifdef __SSE2__
  if (name.size() < 2) return MemmemFrom(xml, from, name);
  const size_t last = name.size() - 1;
  const __m128i first_byte = _mm_set1_epi8(name[0]);
  const __m128i last_byte = _mm_set1_epi8(name[last]);
  for (; from + last + 16 <= xml.size(); from += 16) {
    const char* p = xml.data() + from;
    __m128i starts =
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), first_byte);
    __m128i ends =
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + last)), last_byte);
    for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(starts, ends)));
         mask != 0; mask &= mask - 1) {
      size_t candidate = from + static_cast<size_t>(__builtin_ctz(mask));
      if (std::memcmp(xml.data() + candidate + 1, name.data() + 1, last - 1) == 0) return candidate;
    }
  }
#endif
  return MemmemFrom(xml, from, name);
}

constexpr size_t kUnclosed = std::string_view::npos;
constexpr size_t kMetOpaqueText = std::string_view::npos - 1;

// End (one past '>') of the element `name` whose start tag ends at `tag_end` (its '>'), found
// by counting the start and end tags of that name one '<' at a time; kUnclosed if the document
// ends first, kMetOpaqueText if a comment or CDATA section comes first.
size_t CountedElementEnd(std::string_view xml, size_t tag_end, std::string_view name) {
  int depth = 1;
  for (size_t at = xml.find('<', tag_end); at != std::string_view::npos;
       at = xml.find('<', at + 1)) {
    if (at + 2 >= xml.size()) break;
    if (xml[at + 1] == '!' && OpaqueAt(xml, at)) return kMetOpaqueText;
    bool closing = xml[at + 1] == '/';
    size_t name_at = at + (closing ? 2 : 1);
    if (xml[name_at] != name[0] || !NameAt(xml, name_at, name)) continue;
    size_t end = xml.find('>', at);
    if (end == std::string_view::npos) return kUnclosed;
    if (!closing && xml[end - 1] != '/') ++depth;
    if (closing && --depth == 0) return end + 1;
  }
  return kUnclosed;
}

// Whether xml[from, to) holds "<!" (a comment, CDATA section or stray declaration).
bool HasMarkupDeclaration(std::string_view xml, size_t from, size_t to) {
  while (from < to) {
    const void* hit = std::memchr(xml.data() + from, '!', to - from);
    if (hit == nullptr) return false;
    size_t at = static_cast<size_t>(static_cast<const char*>(hit) - xml.data());
    if (at > 0 && xml[at - 1] == '<') return true;
    from = at + 1;
  }
  return false;
}

// End (one past '>') of the element `name` whose start tag begins at `open` (the '<');
// kUnclosed if the document ends first, kMetOpaqueText if a comment or CDATA section comes
// first. The common case, no element of the same name nested inside, is one search for the
// name (FindName), which skips through text far faster than stopping at every '<'; otherwise
// the tags are counted.
size_t ElementEnd(std::string_view xml, size_t open, std::string_view name) {
  size_t tag_end = xml.find('>', open);
  if (tag_end == std::string_view::npos) return kUnclosed;
  if (xml[tag_end - 1] == '/') return tag_end + 1;  // <Name/>
  for (size_t from = tag_end; from < xml.size();) {
    size_t at = FindName(xml, from, name);
    if (at == std::string_view::npos) return kUnclosed;
    from = at + 1;
    if (!NameAt(xml, at, name)) continue;
    if (xml[at - 1] == '<') return CountedElementEnd(xml, tag_end, name);  // nested
    if (xml[at - 1] != '/' || xml[at - 2] != '<') continue;  // the name in text
    if (HasMarkupDeclaration(xml, tag_end, at)) return kMetOpaqueText;
    size_t end = xml.find('>', at);
    return end == std::string_view::npos ? kUnclosed : end + 1;
  }
  return kUnclosed;
}

// The first of `names` that starts at xml[at] (just past a '<'); "" when none does.
std::string_view NameIn(std::string_view xml, size_t at,
                        std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (NameAt(xml, at, name)) return name;
  }
  return {};
}

// The first two letters of `names`, so most tags are passed over by one lookup.
class NameStarts {
 public:
  explicit NameStarts(std::initializer_list<std::initializer_list<std::string_view>> lists) {
    for (auto names : lists) {
      for (std::string_view name : names) {
        for (int next = 0; next < 256; ++next) {
          if (name.size() == 1 || name[1] == static_cast<char>(next)) {
            starts_.set(Key(name[0], static_cast<char>(next)));
          }
        }
      }
    }
  }
  // Whether a name from the lists may start at xml[at] (one past a '<').
  bool MayStartAt(std::string_view xml, size_t at) const {
    return at + 1 < xml.size() && starts_.test(Key(xml[at], xml[at + 1]));
  }

 private:
  static size_t Key(char a, char b) {
    return static_cast<size_t>(static_cast<unsigned char>(a)) << 8 | static_cast<unsigned char>(b);
  }
  std::bitset<65536> starts_;
};

}  // namespace

bool CopyWithout(std::string_view xml, std::initializer_list<std::string_view> skipped,
                 std::string& out) {
  NameStarts name_starts({skipped});
  out.clear();
  out.reserve(xml.size());
  size_t copied = 0;
  for (size_t at = ascii_words::FindByte(xml, 0, '<'); at != std::string_view::npos;
       at = ascii_words::FindByte(xml, at + 1, '<')) {
    if (at + 1 >= xml.size()) break;
    char first = xml[at + 1];
    if (first == '!' && OpaqueAt(xml, at)) return false;
    if (!name_starts.MayStartAt(xml, at + 1)) continue;
    std::string_view name = NameIn(xml, at + 1, skipped);
    if (name.empty()) continue;
    size_t end = ElementEnd(xml, at, name);
    if (end == kMetOpaqueText) return false;
    if (end == kUnclosed) continue;
    out.append(xml.substr(copied, at - copied));
    copied = end;
    at = end - 1;
  }
  out.append(xml.substr(copied));
  return true;
}

bool SplitRecords(std::string_view xml, std::initializer_list<std::string_view> record_names,
                  std::initializer_list<std::string_view> skipped, std::string& skeleton,
                  const std::function<bool(std::string& record)>& on_record) {
  NameStarts name_starts({record_names, skipped});
  skeleton.clear();
  std::string record;
  std::string_view open_record;  // the name of the record being read; "" between records
  size_t copied = 0;             // xml before this is in `skeleton` or `record` already
  for (size_t at = ascii_words::FindByte(xml, 0, '<'); at != std::string_view::npos;
       at = ascii_words::FindByte(xml, at + 1, '<')) {
    if (at + 2 >= xml.size()) break;
    char first = xml[at + 1];
    if (first == '!' && OpaqueAt(xml, at)) return false;
    if (first == '/') {
      if (open_record.empty() || !NameAt(xml, at + 2, open_record)) continue;
      size_t end = xml.find('>', at);
      if (end == std::string_view::npos) return false;
      record.append(xml.substr(copied, end + 1 - copied));
      copied = end + 1;
      at = end;
      open_record = {};
      if (!on_record(record)) return false;
      continue;
    }
    if (!name_starts.MayStartAt(xml, at + 1)) continue;
    if (std::string_view name = NameIn(xml, at + 1, record_names); !name.empty()) {
      size_t tag_end = xml.find('>', at);
      if (!open_record.empty() || tag_end == std::string_view::npos) return false;
      skeleton.append(xml.substr(copied, at - copied)).append("<").append(name).append("/>");
      record.clear();
      copied = at;
      at = tag_end;
      if (xml[tag_end - 1] != '/') {
        open_record = name;
        continue;
      }
      record.append(xml.substr(copied, tag_end + 1 - copied));  // <Name/>
      copied = tag_end + 1;
      if (!on_record(record)) return false;
      continue;
    }
    std::string_view name = open_record.empty() ? "" : NameIn(xml, at + 1, skipped);
    if (name.empty()) continue;
    size_t end = ElementEnd(xml, at, name);
    if (end == kMetOpaqueText || end == kUnclosed) return false;
    record.append(xml.substr(copied, at - copied));
    copied = end;
    at = end - 1;
  }
  if (!open_record.empty()) return false;
  skeleton.append(xml.substr(copied));
  return true;
}

}  // namespace vigil::xml_cut

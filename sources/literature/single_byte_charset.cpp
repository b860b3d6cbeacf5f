#include "sources/literature/single_byte_charset.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "sources/literature/ascii_words.h"

namespace vigil {
namespace {

struct Utf8Of {
  char bytes[4];
  unsigned char length;  // 0: the byte is not defined in the charset
};
struct ByteTable {
  std::array<Utf8Of, 256> of;
  bool ascii_as_is = true;  // bytes below 0x80 stand for themselves (true of all but EBCDIC-likes)
};

// Names of charset families with one byte per character. Only these are probed: a multibyte
// or stateful charset could convert some single bytes alone and still not be table-shaped.
bool NamesSingleByteFamily(std::string_view charset) {
  for (std::string_view prefix : {"windows-", "cp125", "iso-8859-", "iso8859-", "koi8", "cp8",
                                  "ibm8", "mac", "latin"}) {
    if (charset.starts_with(prefix)) return true;
  }
  return false;
}

// The table for `charset`, or nullptr when iconv does not know it or some byte does not convert
// to a character alone.
std::unique_ptr<ByteTable> BuildTable(const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return nullptr;
  auto table = std::make_unique<ByteTable>();
  bool single_byte = true;
  for (int byte = 0; byte < 256 && single_byte; ++byte) {
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
    char in_byte = static_cast<char>(byte);
    char* in = &in_byte;
    size_t in_left = 1;
    Utf8Of& entry = table->of[static_cast<size_t>(byte)];
    char* dst = entry.bytes;
    size_t out_left = sizeof entry.bytes;
    if (iconv(cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) {
      single_byte = errno == EILSEQ;  // undefined byte: fine; incomplete: not single-byte
      entry.length = 0;
      continue;
    }
    entry.length = static_cast<unsigned char>(sizeof entry.bytes - out_left);
    single_byte = entry.length > 0;
    if (byte < 0x80 && (entry.length != 1 || entry.bytes[0] != in_byte)) table->ascii_as_is = false;
  }
  iconv_close(cd);
  return single_byte ? std::move(table) : nullptr;
}

const ByteTable* TableFor(const std::string& charset) {
  thread_local std::unordered_map<std::string, std::unique_ptr<ByteTable>> tables;
  auto it = tables.find(charset);
  if (it == tables.end()) {
    if (tables.size() >= 64) return nullptr;  // a bound on what odd input can make us keep
    it = tables.emplace(charset, BuildTable(charset)).first;
  }
  return it->second.get();
}

}  // namespace

bool DecodeSingleByteCharset(std::string_view bytes, const std::string& charset,
                             std::optional<std::string>& out) {
  if (!NamesSingleByteFamily(charset)) return false;
  const ByteTable* table = TableFor(charset);
  if (table == nullptr) return false;
  std::string utf8(bytes.size() * 3 + 4, '\0');  // +4: each entry is written as 4 bytes
  char* write = utf8.data();
  for (size_t i = 0; i < bytes.size();) {
    if (table->ascii_as_is && i + 8 <= bytes.size() &&
        ascii_words::AllAscii(ascii_words::Load(bytes.data() + i))) {
      std::memcpy(write, bytes.data() + i, 8);  // eight ASCII bytes, as they are
      write += 8;
      i += 8;
      continue;
    }
    const Utf8Of& entry = table->of[static_cast<unsigned char>(bytes[i++])];
    if (entry.length == 0) {
      out = std::nullopt;
      return true;
    }
    std::memcpy(write, entry.bytes, sizeof entry.bytes);
    write += entry.length;
  }
  utf8.resize(static_cast<size_t>(write - utf8.data()));
  out = std::move(utf8);
  return true;
}

}  // namespace vigil

// gzip files for the compressed-rotation tests, made with zlib as gzip(1) makes them.
#pragma once

#include <zlib.h>

#include <fstream>
#include <string>

namespace vigil::testing {

// `content` gzip-compressed (one member).
inline std::string GzipBytes(const std::string& content) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, content.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  zs.avail_in = static_cast<uInt>(content.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A gzip file of `head` followed by `zeros` zero bytes, written in 1 MB pieces (a 50 MB stream
// compresses to about 50 KB; the test never holds it whole).
inline void WriteGzipWithZeros(const std::string& path, const std::string& head, size_t zeros) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, head.data(), static_cast<unsigned>(head.size()));
  std::string piece(1 << 20, '\0');
  for (size_t left = zeros; left > 0;) {
    size_t n = std::min(left, piece.size());
    gzwrite(f, piece.data(), static_cast<unsigned>(n));
    left -= n;
  }
  gzclose(f);
}

}  // namespace vigil::testing

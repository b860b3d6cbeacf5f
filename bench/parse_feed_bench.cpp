// Throughput of ParseFeed: parses the given feed files `rounds` times over and reports items/s
// and MB/s (input bytes). Used by bench/feed_vs_feedparser.sh against Python feedparser.
// Usage: parse_feed_bench ROUNDS FILE...
//        parse_feed_bench --dump FILE...   one JSON line per file: what ParseFeed made of it (for
//                                         comparing the parser's output before and after a change)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sources/literature/feed_parser.h"

namespace {

// CPU time of this process: on a machine shared with other work it says what the parse cost
// even when the wall clock also counts time spent waiting for a core.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "--dump") {
    for (int i = 2; i < argc; ++i) {
      std::ifstream in(argv[i], std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      vigil::Result<vigil::ParsedFeed> feed = vigil::ParseFeed(s.str(), {});
      nlohmann::json out = {{"file", argv[i]}};
      if (!feed.ok()) {
        out["error"] = feed.status().message();
      } else {
        out["title"] = feed->title;
        out["link"] = feed->link;
        out["format"] = feed->format;
        out["encoding"] = feed->encoding;
        out["warnings"] = feed->warnings;
        for (const vigil::Event& e : feed->items) {
          out["items"].push_back({{"title", e.title}, {"summary", e.summary}, {"source_id", e.source_id},
                                  {"source_url", e.source_url}, {"source_metadata", e.source_metadata}});
        }
      }
      std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ROUNDS FILE...\n", argv[0]);
    return 2;
  }
  int rounds = std::atoi(argv[1]);
  std::vector<std::string> docs;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    docs.push_back(s.str());
  }
  size_t bytes = 0, items = 0, failures = 0;
  double cpu_start = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& doc : docs) {
      vigil::Result<vigil::ParsedFeed> feed = vigil::ParseFeed(doc, {});
      bytes += doc.size();
      if (feed.ok()) items += feed->items.size();
      else ++failures;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu_seconds = CpuSeconds() - cpu_start;
  std::printf("vigil: %d rounds x %zu files, %.2f MB, %zu items, %zu failures in %.3f s: %.0f items/s, %.2f MB/s\n",
              rounds, docs.size(), static_cast<double>(bytes) / 1e6, items, failures, seconds,
              static_cast<double>(items) / seconds, static_cast<double>(bytes) / 1e6 / seconds);
  std::printf("vigil cpu: %.3f s: %.0f items/s, %.2f MB/s\n", cpu_seconds,
              static_cast<double>(items) / cpu_seconds,
              static_cast<double>(bytes) / 1e6 / cpu_seconds);
  return failures == 0 ? 0 : 1;
}

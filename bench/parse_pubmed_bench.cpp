// Throughput of ParsePubmedArticleSet on a large efetch response.
//
// There is no large real response in the fixtures, so this takes the <PubmedArticle> records of
// the given efetch files (e.g. tests/fixtures/pubmed/pubmed{1,2,4,5}.xml), repeats them
// --repeat times into one PubmedArticleSet, parses that whole document --runs times and prints
// records/s and MB/s of the best and median run. The document carries the DOCTYPE of a DTD that
// Biopython ships (pubmed_190101.dtd), so --write can save it for bench/pubmed_vs_biopython.sh
// to feed the very same bytes to Biopython. The "cpu" line is the best run by CPU time: on a
// machine shared with other work the wall clock also counts time spent waiting for a core.
//
// Usage: parse_pubmed_bench [--repeat N] [--runs R] [--write PATH] efetch.xml...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sources/literature/pubmed_parser.h"

namespace {

constexpr const char* kHeader =
    "<?xml version=\"1.0\" ?>\n"
    "<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2019//EN\" "
    "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd\">\n"
    "<PubmedArticleSet>\n";
constexpr const char* kFooter = "</PubmedArticleSet>\n";

struct Options {
  int repeat = 2000;
  int runs = 5;
  std::string write_path;
  std::vector<std::string> inputs;
};

// CPU time of this process: on a machine shared with other work it says what the parse cost
// even when the wall clock also counts time spent waiting for a core.
double CpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  out = bytes.str();
  return true;
}

// The text of each <PubmedArticle>...</PubmedArticle> in `xml`.
std::vector<std::string> ExtractRecords(const std::string& xml) {
  static const std::string kOpen = "<PubmedArticle>", kClose = "</PubmedArticle>";
  std::vector<std::string> records;
  for (size_t at = xml.find(kOpen); at != std::string::npos; at = xml.find(kOpen, at)) {
    size_t end = xml.find(kClose, at);
    if (end == std::string::npos) break;
    end += kClose.size();
    records.push_back(xml.substr(at, end - at));
    at = end;
  }
  return records;
}

bool ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--repeat" && has_value) {
      options.repeat = std::atoi(argv[++i]);
    } else if (arg == "--runs" && has_value) {
      options.runs = std::atoi(argv[++i]);
    } else if (arg == "--write" && has_value) {
      options.write_path = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      return false;
    } else {
      options.inputs.push_back(arg);
    }
  }
  return !options.inputs.empty() && options.repeat > 0 && options.runs > 0;
}

}  // namespace

// The benchmark's input: every record of the input files, repeated, in one PubmedArticleSet
// (written to --write PATH too when given). False after an error message.
bool BuildDocument(const Options& options, std::vector<std::string>& records, std::string& document) {
  for (const std::string& path : options.inputs) {
    std::string xml;
    if (!ReadFile(path, xml)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return false;
    }
    for (std::string& record : ExtractRecords(xml)) records.push_back(std::move(record));
  }
  document = kHeader;
  for (int r = 0; r < options.repeat; ++r) {
    for (const std::string& record : records) document.append(record).append("\n");
  }
  document += kFooter;
  if (!options.write_path.empty()) {
    std::ofstream out(options.write_path, std::ios::binary);
    out << document;
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", options.write_path.c_str());
      return false;
    }
  }
  return true;
}

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, options)) {
    std::fprintf(stderr, "usage: %s [--repeat N] [--runs R] [--write PATH] efetch.xml...\n",
                 argv[0]);
    return 2;
  }
  std::vector<std::string> records;
  std::string document;
  if (!BuildDocument(options, records, document)) return 1;
  size_t expected = records.size() * static_cast<size_t>(options.repeat);

  std::vector<double> seconds, cpu_seconds;
  for (int run = 0; run < options.runs; ++run) {
    double cpu_start = CpuSeconds();
    auto start = std::chrono::steady_clock::now();
    vigil::Result<std::vector<vigil::Event>> events = vigil::ParsePubmedArticleSet(document);
    auto stop = std::chrono::steady_clock::now();
    cpu_seconds.push_back(CpuSeconds() - cpu_start);
    if (!events.ok() || events->size() != expected) {
      std::fprintf(stderr, "parse failed: %s\n", events.ok() ? "wrong count" : events.error().c_str());
      return 1;
    }
    seconds.push_back(std::chrono::duration<double>(stop - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu_seconds.begin(), cpu_seconds.end());
  double mb = static_cast<double>(document.size()) / 1e6;
  std::printf("input: %zu records from %zu file(s), repeated %d times: %zu records, %.1f MB\n",
              records.size(), options.inputs.size(), options.repeat, expected, mb);
  for (auto [label, s] : {std::pair{"best", seconds.front()},
                          std::pair{"median", seconds[seconds.size() / 2]},
                          std::pair{"cpu", cpu_seconds.front()}}) {
    std::printf("%-6s %.3f s  %.0f records/s  %.1f MB/s\n", label, s,
                static_cast<double>(expected) / s, mb / s);
  }
  // Machine-readable lines for scripts: the best run by the wall clock and by CPU time (the
  // Python peer is measured the same way, best of its runs).
  std::printf("records_per_second=%.0f\n", static_cast<double>(expected) / seconds.front());
  std::printf("cpu_records_per_second=%.0f\n", static_cast<double>(expected) / cpu_seconds.front());
  return 0;
}

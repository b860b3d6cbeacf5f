// The whole feed corpus through ParseFeed: nothing may crash or throw; and, for feedparser's
// wellformed and encoding suites and the small feeds vigil's tests wrote (feeds/vigil), vigil
// must extract what Python feedparser extracts (feed title; per entry title, link, id,
// published and updated instants) apart from the documented classes of deliberate difference
// below. The peer runs as /usr/bin/python3 tests/peers/feedparser_dump.py; if feedparser
// cannot be imported the comparison fails.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sources/literature/feed_dates.h"
#include "sources/literature/feed_parser.h"
#include "sources/literature/html_text.h"
#include "tests/unit/fixtures_dir.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::FixturesDir;
using testing::ReadFileBytes;
using testing::SourceDir;

// Deliberate differences from feedparser. Each names a class of input and why vigil differs.
// A mismatch is tolerated only when one of these explains it.
enum class Difference {
  // feedparser keeps (sanitised) HTML in titles; vigil reduces them to plain text.
  kHtmlReducedToText,
  // vigil collapses runs of whitespace (newlines, tabs) in titles to one space.
  kWhitespaceCollapsed,
  // feedparser turns any guid with isPermaLink not "false" (and any Atom id) into the link,
  // even "1234" or "urn:..."; vigil only takes one that is an absolute http(s)/ftp URL, so a
  // URL-shaped id feedparser made the link must be vigil's link too.
  kNonUrlGuidNotALink,
  // The document's prolog names a legacy charset but its bytes are valid UTF-8: vigil reads
  // UTF-8 (as miniflux does); feedparser obeys the prolog and produces mojibake.
  kValidUtf8BeatsLegacyProlog,
  // Files where feedparser 6.0.10 (Debian's) contradicts the fixture's own Expect line or
  // drops data on an internal error; vigil does what the Expect line / the feed says.
  // Listed by name in kPeerQuirkFiles with the reason.
  kPeerQuirk,
};

const std::map<std::string, std::string> kPeerQuirkFiles = {
    {"feedparser/wellformed/atom10/entry_link_no_href_link_priority.xml",
     "an href-less rel=enclosure link overrides the alternate link in 6.0.10; Expect says alternate"},
    {"feedparser/wellformed/atom10/entry_link_rel_enclosure_no_href.xml",
     "same: the enclosure's text wins over the alternate href in 6.0.10; Expect says alternate"},
    {"feedparser/wellformed/atom/entry_link_no_href_link_priority.xml", "as its atom10 twin, in Atom 0.3"},
    {"feedparser/wellformed/atom/entry_link_rel_enclosure_no_href.xml", "as its atom10 twin, in Atom 0.3"},
    {"feedparser/wellformed/rss/item_category_image.xml",
     "feedparser takes <title> nested in category/image as the item title; the item has none"},
    {"feedparser/wellformed/rss/item_guid_isPermaLink_ValueError.xml",
     "urlparse raises on the guid and feedparser drops it as id; vigil keeps the guid as id"},
};

const std::map<Difference, std::string> kDifferenceNames = {
    {Difference::kHtmlReducedToText, "html reduced to text"},
    {Difference::kWhitespaceCollapsed, "whitespace collapsed"},
    {Difference::kNonUrlGuidNotALink, "non-URL guid not used as link"},
    {Difference::kValidUtf8BeatsLegacyProlog, "valid UTF-8 beats legacy prolog"},
    {Difference::kPeerQuirk, "feedparser quirk (listed files)"},
};

std::string ContentTypeOf(const std::string& bytes) {
  std::string head = bytes.substr(0, 2048);
  size_t at = head.find("Header:");
  if (at == std::string::npos) return "";
  size_t eol = head.find('\n', at);
  std::string line = head.substr(at + 7, eol == std::string::npos ? std::string::npos : eol - at - 7);
  size_t colon = line.find(':');
  if (colon == std::string::npos) return "";
  std::string name = line.substr(0, colon);
  if (name.find("ontent-") == std::string::npos) return "";
  std::string value = line.substr(colon + 1);
  while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return value;
}

Result<ParsedFeed> ParseFixture(const fs::path& path) {
  std::string bytes = ReadFileBytes(path);
  FeedParseOptions opts;
  opts.content_type = ContentTypeOf(bytes);
  return ParseFeed(bytes, opts);
}

std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FeedCorpus, EveryFixtureParsesWithoutThrowing) {
  std::vector<fs::path> files = FilesUnder(FixturesDir() / "feeds");
  ASSERT_GT(files.size(), 500u);
  size_t parsed = 0, items = 0;
  for (const fs::path& path : files) {
    try {
      Result<ParsedFeed> feed = ParseFixture(path);
      if (feed.ok()) {
        ++parsed;
        items += feed->items.size();
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << " threw " << e.what();
    }
  }
  std::printf("[ corpus   ] %zu files, %zu parsed as feeds, %zu items\n", files.size(), parsed, items);
  EXPECT_GT(parsed, files.size() * 9 / 10);
}

TEST(FeedCorpus, MalformedFeedsRecoverWithWarnings) {
  Result<ParsedFeed> truncated = ParseFixture(FixturesDir() / "feeds/feedparser/illformed/rss_item_link_corrupted_ampersands.xml");
  ASSERT_TRUE(truncated.ok()) << truncated.error();
  ASSERT_EQ(truncated->items.size(), 1u);
  EXPECT_EQ(truncated->items[0].source_url, "http://link/get?a=1&b=2");
  EXPECT_FALSE(truncated->warnings.empty());

  Result<ParsedFeed> undeclared = ParseFixture(FixturesDir() / "feeds/feedparser/illformed/undeclared_namespace.xml");
  ASSERT_TRUE(undeclared.ok()) << undeclared.error();
  EXPECT_FALSE(undeclared->warnings.empty());

  Result<ParsedFeed> doctype = ParseFixture(FixturesDir() / "feeds/feedparser/illformed/always_strip_doctype.xml");
  ASSERT_TRUE(doctype.ok()) << doctype.error();
  EXPECT_EQ(doctype->title, "found");
}

TEST(FeedCorpus, EmptyDocumentIsAnErrorNotACrash) {
  Result<ParsedFeed> feed = ParseFixture(FixturesDir() / "feeds/feedparser/illformed/rss_empty_document.xml");
  if (feed.ok()) {
    EXPECT_TRUE(feed->items.empty());
  }
  EXPECT_FALSE(ParseFeed("", {}).ok());
  EXPECT_FALSE(ParseFeed("just text", {}).ok());
  EXPECT_FALSE(ParseFeed("<html><body>hi</body></html>", {}).ok());
}

// ---- peer comparison ----

json RunPeer(const std::vector<fs::path>& targets, int& exit_code) {
  std::string cmd = "/usr/bin/python3 '" + testing::SourceDir() + "/tests/peers/feedparser_dump.py' '" +
                    (FixturesDir() / "feeds").string() + "'";
  for (const fs::path& t : targets) cmd += " '" + t.string() + "'";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) { exit_code = -1; return json(); }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  exit_code = pclose(pipe);
  return json::parse(out, nullptr, false);
}

std::string Str(const json& v) { return v.is_string() ? v.get<std::string>() : ""; }

std::string Collapse(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') { space = !out.empty(); continue; }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Compares one text field; returns the difference class that explains a mismatch, nullopt
// when it agrees exactly; sets `unexplained` when nothing explains it.
std::optional<Difference> CompareText(const std::string& peer, const std::string& ours, bool& unexplained) {
  if (peer == ours) return std::nullopt;  // NOLINT
  if (Collapse(peer) == ours) return Difference::kWhitespaceCollapsed;
  if (HtmlToText(peer) == ours) return Difference::kHtmlReducedToText;
  unexplained = true;
  return std::nullopt;
}

bool IsWebUrlShaped(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("ftp://");
}

std::optional<int64_t> OurEpoch(const json& metadata, const char* key) {
  if (!metadata.contains(key)) return std::nullopt;
  auto t = ParseFeedDate(metadata[key].get<std::string>());
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
}

std::optional<int64_t> PeerEpoch(const json& v) {
  return v.is_number() ? std::optional<int64_t>(v.get<int64_t>()) : std::nullopt;
}

struct Comparison {
  std::set<Difference> explained;
  std::vector<std::string> unexplained;
};

void CompareEntry(const json& peer, const Event& ours, const std::string& where, Comparison& c) {
  bool bad = false;
  if (auto d = CompareText(Str(peer["title"]), ours.title, bad)) c.explained.insert(*d);
  if (bad) c.unexplained.push_back(where + " title: feedparser '" + Str(peer["title"]) + "' vigil '" + ours.title + "'");
  std::string peer_link = Str(peer["link"]);
  if (peer_link != ours.source_url) {
    if (ours.source_url.empty() && peer_link == Str(peer["id"]) && !IsWebUrlShaped(peer_link))
      c.explained.insert(Difference::kNonUrlGuidNotALink);
    else c.unexplained.push_back(where + " link: feedparser '" + peer_link + "' vigil '" + ours.source_url + "'");
  }
  std::string peer_id = Str(peer["id"]);
  bool id_ok = !peer_id.empty() ? peer_id == ours.source_id
                                : (ours.source_id == ours.source_url || ours.source_id.starts_with("sha256:"));
  if (!id_ok) c.unexplained.push_back(where + " id: feedparser '" + peer_id + "' vigil '" + ours.source_id + "'");
  for (const char* key : {"published", "updated"}) {
    auto p = PeerEpoch(peer[key]);
    auto o = OurEpoch(ours.source_metadata, key);
    if (p != o)
      c.unexplained.push_back(where + " " + key + ": feedparser " + (p ? std::to_string(*p) : "none") +
                              " vigil " + (o ? std::to_string(*o) : "none"));
  }
}

Comparison CompareFeed(const json& peer, const Result<ParsedFeed>& ours, const std::string& file) {
  Comparison c;
  const json& entries = peer["entries"];
  if (!ours.ok()) {  // a feed feedparser found nothing in may be an error for vigil
    if (!entries.empty() || !Str(peer["feed_title"]).empty()) c.unexplained.push_back(file + ": vigil failed: " + ours.error());
    return c;
  }
  bool bad = false;
  if (auto d = CompareText(Str(peer["feed_title"]), ours->title, bad)) c.explained.insert(*d);
  if (bad) c.unexplained.push_back(file + " feed title: feedparser '" + Str(peer["feed_title"]) + "' vigil '" + ours->title + "'");
  if (entries.size() != ours->items.size()) {
    c.unexplained.push_back(file + ": feedparser " + std::to_string(entries.size()) + " entries, vigil " +
                            std::to_string(ours->items.size()));
    return c;
  }
  for (size_t i = 0; i < entries.size(); ++i)
    CompareEntry(entries[i], ours->items[i], file + " entry " + std::to_string(i), c);
  return c;
}

TEST(FeedCorpus, AgreesWithFeedparserOnWellformedAndEncodingSuites) {
  const fs::path feeds = FixturesDir() / "feeds";
  std::vector<fs::path> targets = {feeds / "feedparser/wellformed", feeds / "feedparser/encoding",
                                   feeds / "huginn", feeds / "miniflux", feeds / "vigil"};
  int exit_code = 0;
  json peer = RunPeer(targets, exit_code);
  ASSERT_EQ(exit_code, 0) << "/usr/bin/python3 could not run feedparser (is python3-feedparser installed?)";
  ASSERT_TRUE(peer.is_object() && peer.size() > 500) << "peer output unusable";

  size_t exact = 0, explained_only = 0;
  std::map<Difference, size_t> by_class;
  std::vector<std::string> unexplained;
  for (const auto& [relative, expected] : peer.items()) {
    Result<ParsedFeed> ours = ParseFixture(feeds / relative);
    Comparison c = CompareFeed(expected, ours, relative);
    if (!c.unexplained.empty() && kPeerQuirkFiles.contains(relative)) {
      c.unexplained.clear();
      c.explained.insert(Difference::kPeerQuirk);
    }
    if (!c.unexplained.empty() && ours.ok() &&
        std::any_of(ours->warnings.begin(), ours->warnings.end(),
                    [](const std::string& w) { return w.find("valid UTF-8") != std::string::npos; })) {
      c.unexplained.clear();
      c.explained.insert(Difference::kValidUtf8BeatsLegacyProlog);
    }
    for (Difference d : c.explained) ++by_class[d];
    if (!c.unexplained.empty()) unexplained.insert(unexplained.end(), c.unexplained.begin(), c.unexplained.end());
    else if (c.explained.empty()) ++exact;
    else ++explained_only;
  }
  size_t total = peer.size();
  std::printf("[ peer     ] %zu files: %zu agree exactly, %zu differ only in documented ways, %zu do not (%.1f%% agreement)\n",
              total, exact, explained_only, total - exact - explained_only,
              100.0 * static_cast<double>(exact + explained_only) / static_cast<double>(total));
  for (const auto& [d, n] : by_class) std::printf("[ peer     ]   %-32s %zu files\n", kDifferenceNames.at(d).c_str(), n);
  for (const std::string& u : unexplained) ADD_FAILURE() << u;
}

}  // namespace
}  // namespace vigil

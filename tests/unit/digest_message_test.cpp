// The digest's messages for people (pure): grouped by signal, capped with "and N more", within
// Slack's limits, titles shortened on a character boundary.
#include "jobs/deliver/digest_message.h"

#include "common/utf8_cut.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

DigestRow Digest(int high, int low, const std::string& title = "Telomere length and risk") {
  DigestRow d;
  d.id = "d-1";
  d.community_name = "oncology";
  auto add = [&](const std::string& signal, int i, double score) {
    d.items.push_back({"e" + std::to_string(d.items.size()), "", title + " " + std::to_string(i), "pubmed-onc", "pubmed",
                       "https://pubmed.ncbi.nlm.nih.gov/" + std::to_string(1000 + d.items.size()) + "/", signal, score, {}});
  };
  for (int i = 0; i < high; ++i) add("high", i, 0.9 - i * 0.01);
  for (int i = 0; i < low; ++i) add("low", i, 0.3 - i * 0.01);
  return d;
}

TEST(DigestMessage, HeadlineCountsBySignal) {
  EXPECT_EQ(DigestHeadline(Digest(2, 3)), "Digest for oncology: 5 items (2 high, 3 low)");
  EXPECT_EQ(DigestHeadline(Digest(1, 0)), "Digest for oncology: 1 item (1 high)");
}

TEST(DigestMessage, EmailShowsTheCapThenHowManyMore) {
  EmailText t = DigestEmail(Digest(2, 30), 20);
  EXPECT_EQ(t.subject, "[vigil digest] oncology: 32 items");
  EXPECT_NE(t.body.find("\nHIGH (2)\n1. Telomere length and risk 0\n"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("\nLOW (30)\n3. "), std::string::npos) << t.body;
  EXPECT_NE(t.body.find("\n20. "), std::string::npos);
  EXPECT_EQ(t.body.find("\n21. "), std::string::npos);
  EXPECT_NE(t.body.find("and 12 more (vigil digests show d-1)"), std::string::npos) << t.body;
}

TEST(DigestMessage, EmailWithinTheCapHasNoMore) {
  EXPECT_EQ(DigestEmail(Digest(1, 2)).body.find("more"), std::string::npos);
}

TEST(DigestMessage, SlackShowsTheCapThenHowManyMore) {
  auto j = DigestSlackPayload(Digest(0, 25), 20);
  std::string blocks = j["blocks"].dump();
  EXPECT_NE(blocks.find("Telomere length and risk 19>"), std::string::npos);
  EXPECT_EQ(blocks.find("Telomere length and risk 20>"), std::string::npos);
  EXPECT_EQ(j["blocks"].back()["elements"][0]["text"], "and 5 more (vigil digests show d-1)");
}

TEST(DigestMessage, SlackSectionsStayWithinSlacksLimits) {
  auto j = DigestSlackPayload(Digest(10, 40, std::string(400, 'x')), 50);
  EXPECT_LE(j["blocks"].size(), 50u);
  for (const auto& b : j["blocks"]) {
    if (b["type"] == "section") {
      EXPECT_LE(b["text"]["text"].get<std::string>().size(), 3000u);
    }
  }
  EXPECT_NE(j["blocks"].dump().find("xxx…"), std::string::npos) << "long titles are shortened";
}

TEST(DigestMessage, SlackEscapesTitles) {
  std::string blocks = DigestSlackPayload(Digest(1, 0, "p<0.05 & more"))["blocks"].dump();
  EXPECT_NE(blocks.find("p&lt;0.05 &amp; more 0"), std::string::npos) << blocks;
}

TEST(DigestMessage, ShortenNeverCutsACharacter) {
  std::string umlauts = "Ärzte-Öffnungszeiten";  // Ä and Ö are two bytes each
  EXPECT_EQ(ShortenUtf8(umlauts, 1), "…");
  EXPECT_EQ(ShortenUtf8(umlauts, 2), "Ä…");
  EXPECT_EQ(ShortenUtf8(umlauts, 100), umlauts);
}

}  // namespace
}  // namespace vigil

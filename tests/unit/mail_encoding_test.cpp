// Quoted-printable bodies and RFC 2047 headers: short lines whatever the text, and text that
// decodes back to what went in.
#include "jobs/deliver/mail_encoding.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/support/smtp_test_server.h"

namespace vigil {
namespace {

size_t LongestLine(const std::string& text) {
  size_t longest = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = std::min(text.find("\r\n", start), text.size());
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return longest;
}

TEST(MailEncoding, QuotedPrintableKeepsLinesShortAndDecodesBack) {
  std::string text = "short line\n" + std::string(2000, 'a') + "\n";
  for (int i = 0; i < 300; ++i) text += "=\u00e9\u20ac ";  // '=', 2- and 3-byte characters: all encoded
  text += "\ntrailing space \n";
  std::string qp = QuotedPrintable(text);
  EXPECT_LE(LongestLine(qp), 76u);
  std::string decoded = testsupport::DecodeQuotedPrintable(qp);
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(decoded, crlf);
  EXPECT_NE(qp.find("trailing space=20\r\n"), std::string::npos) << "a space before a line end is encoded";
}

TEST(MailEncoding, PlainAsciiHeaderPassesAsItIs) {
  EXPECT_EQ(HeaderText("[vigil high] oncology: a title"), "[vigil high] oncology: a title");
}

TEST(MailEncoding, NonAsciiHeaderBecomesFoldedEncodedWordsOfWholeCharacters) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "Z\u00fcrich \U0001F600 ";
  std::string header = HeaderText(subject);
  std::string joined;
  for (size_t start = 0; start < header.size();) {
    size_t end = std::min(header.find("\r\n ", start), header.size());
    std::string word = header.substr(start, end - start);
    EXPECT_LE(word.size(), 75u);
    ASSERT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    auto bytes = Base64Decode(word.substr(10, word.size() - 12));
    ASSERT_TRUE(bytes.ok());
    EXPECT_NE(static_cast<unsigned char>(bytes->front()) & 0xC0, 0x80) << "each word starts a character, so none splits one";
    joined += *bytes;
    start = end + 3;
  }
  EXPECT_EQ(joined, subject);
}

TEST(MailEncoding, HeaderWithALineBreakIsEncodedNotInjected) {
  EXPECT_EQ(HeaderText("a\r\nBcc: x@y.z").find("\r\nBcc"), std::string::npos);
}

TEST(MailEncoding, DisplayNameIsEncodedAndTheAddressKept) {
  EXPECT_EQ(AddressHeader("vigil <vigil@lab.example>"), "vigil <vigil@lab.example>");
  EXPECT_EQ(AddressHeader("a@lab.example"), "a@lab.example");
  EXPECT_EQ(AddressHeader("J\u00fcrgen <j@lab.example>"), "=?UTF-8?B?" + Base64Encode("J\u00fcrgen") + "?= <j@lab.example>");
}

}  // namespace
}  // namespace vigil

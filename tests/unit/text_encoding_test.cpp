#include "sources/literature/text_encoding.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(TextEncoding, ReadsCharsetAndMediaTypeFromContentType) {
  EXPECT_EQ(MediaTypeOf("Text/XML; Charset=\"ISO-8859-1\""), "text/xml");
  EXPECT_EQ(CharsetOf("Text/XML; Charset=\"ISO-8859-1\""), "iso-8859-1");
  EXPECT_EQ(CharsetOf("text/xml;charset = us-ascii"), "us-ascii");
  EXPECT_EQ(CharsetOf("text/xml; qs=0.9"), "");
}

TEST(TextEncoding, ReadsTheXmlDeclaration) {
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version='1.0' encoding='KOI8-R'?><a/>"), "koi8-r");
  EXPECT_EQ(XmlDeclaredEncoding("<?xml version=\"1.0\"?><a/>"), "");
  EXPECT_EQ(XmlDeclaredEncoding("<a/>"), "");
}

TEST(TextEncoding, ConvertsLegacyCharsetsAndRejectsInvalidBytes) {
  EXPECT_EQ(ConvertToUtf8("\xC1\xC2", "koi8-r").value_or("?"), "\u0430\u0431");
  EXPECT_FALSE(ConvertToUtf8("\xFF", "utf-8").has_value());
  EXPECT_FALSE(ConvertToUtf8("\xE9", "us-ascii").has_value());
  EXPECT_FALSE(ConvertToUtf8("x", "no-such-charset").has_value());
}

TEST(TextEncoding, TextXmlWithoutCharsetIgnoresThePrologPerRfc3023) {
  DecodedXml d = DecodeXmlDocument("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>x</a>", "text/xml");
  EXPECT_EQ(d.encoding, "us-ascii");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(TextEncoding, ApplicationXmlFallsBackToTheProlog) {
  DecodedXml d = DecodeXmlDocument("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>\xE9</a>", "application/xml");
  EXPECT_EQ(d.encoding, "iso-8859-1");
  // encoding="iso-8859-1" (21 bytes) is blanked out in place.
  EXPECT_EQ(d.utf8, "<?xml version=\"1.0\" " + std::string(21, ' ') + "?><a>\u00E9</a>");
}

TEST(TextEncoding, NonXmlMediaTypeIsAWarning) {
  DecodedXml d = DecodeXmlDocument("<a/>", "text/plain");
  EXPECT_FALSE(d.warnings.empty());
}

TEST(TextEncoding, ByteOrderMarkComesFirst) {
  std::string utf16le("\xFF\xFE<\0a\0/\0>\0", 10);
  DecodedXml d = DecodeXmlDocument(utf16le, "");
  EXPECT_EQ(d.encoding, "utf-16le");
  EXPECT_EQ(d.utf8, "<a/>");
}

TEST(TextEncoding, SniffsBomlessUtf16) {
  static const char kBytes[] = "\0<\0?\0x\0m\0l\0 \0v\0=\0'\0\x31\0'\0?\0>\0<\0a\0/\0>";
  std::string be(kBytes, sizeof kBytes - 1);
  DecodedXml d = DecodeXmlDocument(be, "");
  EXPECT_EQ(d.encoding, "utf-16be");
  EXPECT_EQ(d.utf8.substr(d.utf8.size() - 4), "<a/>");
}

TEST(TextEncoding, FailingDeclaredCharsetFallsBackWithAWarning) {
  DecodedXml d = DecodeXmlDocument("<?xml version=\"1.0\" encoding=\"utf-8\"?><a>\x93q\x94</a>", "");
  EXPECT_EQ(d.encoding, "windows-1252");
  EXPECT_NE(d.utf8.find("\u201Cq\u201D"), std::string::npos);
  EXPECT_FALSE(d.warnings.empty());
}

}  // namespace
}  // namespace vigil

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

TEST(TextEncoding, SingleByteCharsetsDecodeByteForByte) {
  // windows-1251 and iso-8859-5 go through a table built from iconv; the result must be iconv's.
  std::string cyrillic = "\xCF\xF0\xE8\xE2\xE5\xF2, world! \x96 1234567890 \xB9";
  EXPECT_EQ(ConvertToUtf8(cyrillic, "windows-1251").value_or("?"),
            "\u041F\u0440\u0438\u0432\u0435\u0442, world! \u2013 1234567890 \u2116");
  EXPECT_EQ(ConvertToUtf8("\xBF\xE0", "iso-8859-5").value_or("?"), "\u041F\u0440");
  EXPECT_EQ(ConvertToUtf8("plain ascii text, longer than eight bytes", "windows-1251").value_or("?"),
            "plain ascii text, longer than eight bytes");
}

TEST(TextEncoding, ByteUndefinedInASingleByteCharsetIsRejected) {
  EXPECT_FALSE(ConvertToUtf8("ok \x98", "windows-1251").has_value());  // 0x98 is unassigned
  EXPECT_FALSE(ConvertToUtf8("ok \x81", "windows-1252").has_value());
}

TEST(TextEncoding, MultibyteCharsetsStillConvert) {
  EXPECT_EQ(ConvertToUtf8("\x82\xA0", "shift_jis").value_or("?"), "\u3042");
  EXPECT_EQ(ConvertToUtf8("\xB0\xA1", "gb2312").value_or("?"), "\u554A");
}

TEST(TextEncoding, EncodingNamedOutsideTheDeclarationIsLeftAlone) {
  DecodedXml d = DecodeXmlDocument("<?xml version=\"1.0\"?><a b='encoding=\"x\"'>encoding</a>", "");
  EXPECT_EQ(d.utf8, "<?xml version=\"1.0\"?><a b='encoding=\"x\"'>encoding</a>");
  DecodedXml declared = DecodeXmlDocument("<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>", "");
  EXPECT_EQ(declared.utf8, "<?xml version=\"1.0\"                 ?><a/>");
}

}  // namespace
}  // namespace vigil

#include "sources/literature/url_resolve.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

// RFC 3986 section 5.4: the normal and abnormal examples, against its base.
constexpr const char* kBase = "http://a/b/c/d;p?q";

TEST(UrlResolve, ResolvesRfc3986NormalExamples) {
  const std::pair<const char*, const char*> cases[] = {
      {"g:h", "g:h"}, {"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"}, {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"}, {"//g", "http://g"}, {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"}, {"g#s", "http://a/b/c/g#s"}, {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"}, {"g;x", "http://a/b/c/g;x"}, {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"}, {".", "http://a/b/c/"}, {"./", "http://a/b/c/"}, {"..", "http://a/b/"},
      {"../", "http://a/b/"}, {"../g", "http://a/b/g"}, {"../..", "http://a/"}, {"../../", "http://a/"},
      {"../../g", "http://a/g"}};
  for (const auto& [ref, want] : cases) EXPECT_EQ(ResolveUrl(kBase, ref), want) << ref;
}

TEST(UrlResolve, ResolvesRfc3986AbnormalExamples) {
  const std::pair<const char*, const char*> cases[] = {
      {"../../../g", "http://a/g"}, {"../../../../g", "http://a/g"}, {"/./g", "http://a/g"},
      {"/../g", "http://a/g"}, {"g.", "http://a/b/c/g."}, {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."}, {"..g", "http://a/b/c/..g"}, {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"}, {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"}, {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"}, {"g#s/../x", "http://a/b/c/g#s/../x"}, {"http:g", "http:g"}};
  for (const auto& [ref, want] : cases) EXPECT_EQ(ResolveUrl(kBase, ref), want) << ref;
}

TEST(UrlResolve, BaseWithoutPathGetsARootSlash) {
  EXPECT_EQ(ResolveUrl("http://example.org", "feed.xml"), "http://example.org/feed.xml");
}

TEST(UrlResolve, LeavesRelativeReferencesWithoutAUsableBase) {
  EXPECT_EQ(ResolveUrl("", " /p/1 "), "/p/1");
  EXPECT_EQ(ResolveUrl("relative/base", "x"), "x");
}

TEST(UrlResolve, RemovesDotSegments) {
  EXPECT_EQ(RemoveDotSegments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(RemoveDotSegments("mid/content=5/../6"), "mid/6");
}

}  // namespace
}  // namespace vigil

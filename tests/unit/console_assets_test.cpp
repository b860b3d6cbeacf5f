// The web console built into the binary (cmake/GenerateConsole.cmake, daemon/console/): every file
// under console/ is there, byte for byte, with its type and a strong ETag, the whole stays under
// 300 KB, and ConsoleResponse answers /ui, /ui/ and each asset as the routes do.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "daemon/console/console_assets.h"
#include "daemon/console/ui_routes.h"
#include "tests/support/paths.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string HeaderOf(const HttpResponse& res, const std::string& name) {
  for (const auto& [k, v] : res.headers)
    if (k == name) return v;
  return "";
}

TEST(ConsoleAssets, EveryFileOfTheConsoleFolderIsEmbeddedByteForByte) {
  fs::path dir = fs::path(testing::SourceDir()) / "console";
  std::set<std::string> on_disk;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().starts_with(".")) continue;
    std::string rel = fs::relative(entry.path(), dir).generic_string();
    on_disk.insert(rel);
    const ConsoleAsset* asset = FindConsoleAsset(rel);
    ASSERT_NE(asset, nullptr) << rel << " is not embedded: re-run the cmake configure step";
    EXPECT_EQ(asset->bytes, ReadFile(entry.path())) << rel << " is embedded stale";
  }
  std::set<std::string> embedded;
  for (const auto& a : ConsoleAssets()) embedded.insert(std::string(a.path));
  EXPECT_EQ(embedded, on_disk);
  EXPECT_TRUE(on_disk.contains("index.html"));
}

TEST(ConsoleAssets, TheWholeConsoleStaysUnder300KB) {
  size_t total = 0;
  for (const auto& a : ConsoleAssets()) total += a.bytes.size();
  EXPECT_GT(total, 0u);
  EXPECT_LT(total, 300u * 1024) << "the console's assets are " << total << " bytes";
}

TEST(ConsoleAssets, EachAssetHasItsTypeAndAStrongEtagOfItsBytes) {
  std::set<std::string_view> tags;
  for (const auto& a : ConsoleAssets()) {
    EXPECT_TRUE(a.etag.starts_with("\"") && a.etag.ends_with("\"") && a.etag.size() == 34) << a.path << ": " << a.etag;
    tags.insert(a.etag);
    if (a.path.ends_with(".js")) EXPECT_EQ(a.content_type, "text/javascript; charset=utf-8") << a.path;
    if (a.path.ends_with(".css")) EXPECT_EQ(a.content_type, "text/css; charset=utf-8") << a.path;
    if (a.path.ends_with(".html")) EXPECT_EQ(a.content_type, "text/html; charset=utf-8") << a.path;
  }
  EXPECT_EQ(tags.size(), ConsoleAssets().size()) << "two files share an ETag";
}

TEST(ConsoleRoutes, UiWithoutItsSlashRedirectsAndTheSlashServesIndexHtml) {
  auto redirect = ConsoleResponse("/ui", nullptr);
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(HeaderOf(redirect, "Location"), "/ui/");
  auto index = ConsoleResponse("/ui/", nullptr);
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(HeaderOf(index, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.body, FindConsoleAsset("index.html")->bytes);
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");
}

TEST(ConsoleRoutes, UnknownAssetsAndPathsOutsideAre404) {
  for (const char* path : {"/ui/nope.js", "/ui/../CMakeLists.txt", "/ui/js/", "/ui/index.html/", "/ui/%69ndex.html", "/uix"})
    EXPECT_EQ(ConsoleResponse(path, nullptr).status, 404) << path;
}

TEST(ConsoleRoutes, AMatchingIfNoneMatchAnswers304WithoutABody) {
  const ConsoleAsset* app = FindConsoleAsset("js/app.js");
  ASSERT_NE(app, nullptr);
  std::string tag(app->etag);
  auto fresh = ConsoleResponse("/ui/js/app.js", &tag);
  EXPECT_EQ(fresh.status, 304);
  EXPECT_TRUE(fresh.body.empty());
  EXPECT_EQ(HeaderOf(fresh, "ETag"), tag);
  std::string listed = "\"other\", W/" + tag;
  EXPECT_EQ(ConsoleResponse("/ui/js/app.js", &listed).status, 304);
  std::string stale = "\"0123\"";
  auto full = ConsoleResponse("/ui/js/app.js", &stale);
  EXPECT_EQ(full.status, 200);
  EXPECT_EQ(full.body, app->bytes);
}

}  // namespace
}  // namespace vigil

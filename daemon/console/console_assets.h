// The web console's files (console/ in the repository), built into the binary by
// cmake/GenerateConsole.cmake: nothing is read from disk at run time. Pure data, any thread.
#pragma once

#include <string_view>
#include <vector>

namespace vigil {

struct ConsoleAsset {
  std::string_view path;          // under console/: "index.html", "js/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // strong, quoted: "\"<first 32 hex digits of the SHA-256>\""
  std::string_view bytes;
};

// Every file, sorted by path. Defined in the generated source.
const std::vector<ConsoleAsset>& ConsoleAssets();

// The asset at `path` (as in ConsoleAsset::path), or null.
const ConsoleAsset* FindConsoleAsset(std::string_view path);

}  // namespace vigil

// The web console's routes on the HTTP listener: its embedded files (console_assets.h) under /ui/.
//   GET|HEAD /ui           301 to /ui/
//   GET|HEAD /ui/          index.html
//   GET|HEAD /ui/<path>    the file at console/<path>; 404 for any other
// Answers carry the asset's Content-Type and strong ETag, and `Cache-Control: no-cache`, so a
// browser revalidates each file (304 on If-None-Match) and never mixes modules of two builds after
// an upgrade. The page itself reads and writes only through /api/v1 (docs/console.md).
//
// Threads: the handlers run on the loop thread; they touch no database and no file.
#pragma once

#include <string_view>

#include "common/http/http_types.h"
#include "daemon/http/router.h"

namespace vigil {

// The answer to GET `path` (a path under /ui, without the query) with the request's
// If-None-Match header value (null when absent).
HttpResponse ConsoleResponse(std::string_view path, const std::string* if_none_match);

void AddConsoleRoutes(Router& router);

}  // namespace vigil

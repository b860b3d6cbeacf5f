// Per-type validation of watcher blocks, run by Config::Parse after the table walk: the table
// only knows `verify`, `trigger` and `mapping` as opaque maps, so the module that reads each block
// parses it here, once, and its errors gain the file:line:column of the key they name. This is
// what lets `vigil check` (and a SIGHUP reload) refuse a bad webhook block before it is served.
#pragma once

#include "common/status.h"

namespace vigil {

class Config;

// Errors read "vigil.yaml:12:9: watchers[0].verify.scheme: unknown scheme ...". Two enabled webhook
// watchers on one path are an error at the second one's `path` (its `name` when the path is
// derived from it).
Status CheckWatcherBlocks(const Config& config);

// Prefixes a module error that starts with a key path ("watchers[0].verify.scheme: ...") with
// the position of the nearest key on that path that the file has.
std::string WithPosition(const Config& config, const std::string& message);

}  // namespace vigil

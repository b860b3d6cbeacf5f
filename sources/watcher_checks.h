// Per-type validation of watcher blocks, after the config table's walk: the table only knows
// `verify`, `trigger` and `mapping` as opaque maps, so the module that reads each block (here,
// sources/) parses it, once, and its errors gain the file:line:column of the key they name. This
// is what lets `vigil check` (and a SIGHUP reload) refuse a bad webhook block before it is served.
//
// LoadConfig and ParseConfig are Config::Load and Config::Parse followed by these checks: every
// caller above config/ (the daemon, the CLI) loads through them.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

// Errors read "vigil.yaml:12:9: watchers[0].verify.scheme: unknown scheme ...". Two enabled webhook
// watchers on one path are an error at the second one's `path` (its `name` when the path is
// derived from it).
Status CheckWatcherBlocks(const Config& config);

// Config::Load / Config::Parse, then CheckWatcherBlocks; the first error found.
Result<std::shared_ptr<const Config>> LoadConfig(const std::string& path);
Result<std::shared_ptr<const Config>> ParseConfig(const std::string& yaml, const std::string& path);

}  // namespace vigil

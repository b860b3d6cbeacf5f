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

// Errors read "vigil.yaml:12:9: watchers[0].verify.scheme: unknown scheme ...". Each watcher's
// type requirements (sources/watcher_requirements.h) are checked, then its webhook block. Two
// enabled webhook watchers on one path are an error at the second one's `path` (its `name` when
// the path is derived from it).
Status CheckWatcherBlocks(const Config& config);

// Config::Load / Config::Parse, then CheckWatcherBlocks; the first error found. `vigil run`,
// `vigil check` and a reload resolve every secret; the other verbs defer them (LoadOptions).
Result<std::shared_ptr<const Config>> LoadConfig(const std::string& path, LoadOptions options = {});
// For the verbs that read the config without running what uses its secrets.
inline constexpr LoadOptions kDeferSecrets{.defer_secrets = true};
Result<std::shared_ptr<const Config>> ParseConfig(const std::string& yaml, const std::string& path, LoadOptions options = {});

}  // namespace vigil

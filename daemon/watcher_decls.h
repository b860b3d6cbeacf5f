// The watchers a config declares, in the shape the `watchers` table takes (secrets redacted).
#pragma once

#include <vector>

#include "config/config.h"
#include "store/watcher_repo.h"

namespace vigil {

std::vector<WatcherDecl> WatcherDeclsFrom(const Config& config);

}  // namespace vigil

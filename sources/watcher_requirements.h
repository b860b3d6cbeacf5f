// What each type of watcher needs, beyond the config table's walk (which knows every watcher key
// but not which type reads it): the keys of its type only, and the ones it cannot work without.
//   literature: `source`; pubmed and arxiv a `query` (without one PubMed is asked for `term=`),
//               feed a `url`;
//   webhook:    `verify`, or `verify: {scheme: none}` to accept any request on purpose (an
//               enabled one: a disabled hook is not served);
//   scheduled:  one of emit, http, sql, and when (`schedule` or `every`), checked with its schedule;
//   log:        `paths` and `rules`, checked by its spec.
// Pure reads of a Config; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace vigil {

// The first thing watcher `w` (at `watchers[index]`) lacks or has that its type does not take, as
// "vigil.yaml:9:5: watchers[1].query: ...".
Status CheckWatcherRequirements(const Config& config, const nlohmann::json& w, size_t index);

// What a daemon started on `config` would do silently and a person would want to know: a watcher
// whose `community` no `communities:` entry defines. One line each, positioned like an error.
std::vector<std::string> WatcherWarnings(const Config& config);

}  // namespace vigil

// What log watcher tests through the built binary count: how many stored events each numbered
// line has, read from the database the daemon writes ("line N" records whose rule captures N as
// `n`), so a test can say every line was stored exactly once.
#pragma once

#include <map>
#include <string>

namespace vigil::testing {

// Line number (the `n` capture) -> how many watcher_events rows have it; empty when the database
// cannot be read yet.
std::map<int, int> EventsPerLine(const std::string& database_url);

}  // namespace vigil::testing

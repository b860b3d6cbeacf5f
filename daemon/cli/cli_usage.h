// Usage mistakes said plainly. CLI11's own messages ("A subcommand is required", "The following
// arguments were not expected") do not say what was wrong; this walks argv along the command tree
// and names it:
//   vigil: unknown command "lsit" for "vigil jobs" (did you mean "list"?)
//   vigil: unknown flag "--stauts" for "vigil jobs list" (did you mean "--status"?)
//   vigil: "vigil jobs" needs a command: enqueue, list, show, retry, cancel, run, pause, resume, paused (see "vigil help jobs")
// and `vigil help [VERB]...` prints the help of that verb.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace vigil::cli {

// Parses argv with `app`. Returns -1 when a verb is to run; otherwise the exit code, having
// printed the help, the version or the usage error (exit 2).
int ParseOrExplain(CLI::App& app, int argc, char** argv);

// Adds `vigil help [VERB]...` to `app`; ParseOrExplain answers it.
void AddHelpVerb(CLI::App& app);

// The subcommands of `app` that a person may type (the help verb included), in order.
std::vector<std::string> VerbNames(CLI::App& app);

}  // namespace vigil::cli

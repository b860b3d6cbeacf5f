// The CLI's definitions, read back for people and shells: `vigil.1` (a man page, written at build
// time by the hidden verb `vigil __man`, so it says exactly what --help says) and the candidates
// bash completion offers (the hidden verb `vigil __complete WORD...`, which the completion script
// daemon/cli/completion.bash, installed at /usr/share/bash-completion/completions/vigil, calls: verbs, flags, and watcher
// names from the config for the verbs that take one).
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace vigil::cli {

// The whole command tree of `app` as a man page in roff (man(7)).
void WriteManPage(CLI::App& app, std::ostream& out);

// What may follow `words` (the command line after `vigil`, the last word being the one completed,
// possibly empty), one candidate a line: subcommands and flags starting with the last word;
// watcher names after `watchers test|run|edit|rm` and `--watcher`; nothing after a flag that
// takes a value of another kind (the shell completes file names then).
std::vector<std::string> CompletionCandidates(CLI::App& app, const std::vector<std::string>& words);

// Adds the hidden verb `__man`; RunDocVerbs runs it once parsed (exit code, or -1 when not parsed).
void AddDocVerbs(CLI::App& app);
int RunDocVerbs(CLI::App& app);
// `vigil __complete [--] WORD...`, read straight from argv before parsing (the words are a partial
// command line): prints the candidates, 0; -1 when argv is not that verb.
int CompleteFromArgv(CLI::App& app, int argc, char** argv);

}  // namespace vigil::cli

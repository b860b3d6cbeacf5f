// The command line: parses argv with CLI11 and runs one verb. `main` only calls RunCli.
// Exit codes: 0 success, 1 runtime failure, 2 usage or config error.
#pragma once

namespace vigil {

int RunCli(int argc, char** argv);

}  // namespace vigil

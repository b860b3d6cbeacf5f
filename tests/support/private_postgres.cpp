#include "tests/support/private_postgres.h"

#include <cstdio>

#include "tests/support/paths.h"

namespace vigil::testing {
namespace {

std::string Run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  if (p) pclose(p);
  return out;
}

// The value of `export NAME=value` in the script's output.
std::string Export(const std::string& text, const std::string& name) {
  auto at = text.find("export " + name + "=");
  if (at == std::string::npos) return "";
  auto start = at + 8 + name.size();
  return text.substr(start, text.find('\n', start) - start);
}

std::string Script() { return SourceDir() + "/scripts/pg-test-server.sh"; }

}  // namespace

PrivatePostgres::PrivatePostgres() {
  std::string out = Run(Script() + " start");
  dir_ = Export(out, "VIGIL_TEST_PG_DIR");
  url_ = Export(out, "VIGIL_TEST_PG_URL");
}

PrivatePostgres::~PrivatePostgres() {
  if (!dir_.empty()) Run(Script() + " stop " + dir_);
}

void PrivatePostgres::Pause() { Run(Script() + " pause " + dir_); }
void PrivatePostgres::Resume() { Run(Script() + " resume " + dir_); }

}  // namespace vigil::testing

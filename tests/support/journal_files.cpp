#include "tests/support/journal_files.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace vigil::testing {
namespace {

constexpr const char* kJournalRemote = "/lib/systemd/systemd-journal-remote";

bool NeedsBinary(const std::string& value) {
  for (unsigned char c : value) {
    if (c < 0x20 && c != '\t') return true;
  }
  return false;
}

void Field(std::ostringstream& out, const std::string& name, const std::string& value) {
  if (!NeedsBinary(value)) {
    out << name << '=' << value << '\n';
    return;
  }
  out << name << '\n';
  uint64_t size = value.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((size >> (8 * i)) & 0xff));  // little-endian
  out << value << '\n';
}

}  // namespace

std::string JournalExport(const std::vector<JournalFields>& entries) {
  std::ostringstream out;
  int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& fields : entries) {
    JournalFields all = fields;
    ++now_us;  // distinct and increasing: sd-journal orders entries of different files by them
    all.emplace("__REALTIME_TIMESTAMP", std::to_string(now_us));
    all.emplace("__MONOTONIC_TIMESTAMP", std::to_string(now_us));
    all.emplace("_BOOT_ID", "0123456789abcdef0123456789abcdef");
    for (const auto& [name, value] : all) Field(out, name, value);
    out << '\n';
  }
  return out.str();
}

std::string AppendJournal(const std::string& file, const std::vector<JournalFields>& entries) {
  TempDir tmp;
  std::string input = tmp.Write("entries.export", JournalExport(entries));
  std::string log = tmp.File("remote.log");
  std::string cmd = std::string(kJournalRemote) + " --output='" + file + "' - < '" + input + "' > '" + log + "' 2>&1";
  int status = std::system(cmd.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::ifstream in(log);
  std::stringstream said;
  said << in.rdbuf();
  return "systemd-journal-remote exited " + std::to_string(status) + ": " + said.str();
}

}  // namespace vigil::testing

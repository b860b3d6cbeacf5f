#include "sources/log/journal_spec.h"

#include <array>

#include "common/json_fields.h"

namespace vigil {
namespace {

// syslog(3)'s levels, most severe first: the index is the PRIORITY value.
constexpr std::array<const char*, 8> kPriorities = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

// Unit types (systemd.unit(5)); a name ending in none of them gets ".service".
constexpr std::array<const char*, 11> kUnitSuffixes = {".service", ".socket", ".target", ".device", ".mount", ".automount",
                                                       ".swap",    ".timer",  ".path",   ".slice",  ".scope"};

}  // namespace

bool IsJournalFieldName(std::string_view field) {
  if (field.empty() || field.size() > 64 || (field[0] >= '0' && field[0] <= '9')) return false;
  for (char c : field) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Result<std::string> UnitMatch(const std::string& unit) {
  if (unit.empty()) return Status::Error("a unit name is empty");
  if (unit.find_first_of("*?[") != std::string::npos)
    return Status::Error("\"" + unit + "\" is a glob; name each unit (ssh, cron.service)");
  for (const char* suffix : kUnitSuffixes) {
    if (unit.ends_with(suffix) && unit.size() > std::string_view(suffix).size()) return "_SYSTEMD_UNIT=" + unit;
  }
  return "_SYSTEMD_UNIT=" + unit + ".service";
}

Result<std::vector<std::string>> PriorityMatches(const std::string& priority) {
  int level = -1;
  for (size_t i = 0; i < kPriorities.size(); ++i) {
    if (priority == kPriorities[i] || priority == std::to_string(i)) level = static_cast<int>(i);
  }
  if (level < 0)
    return Status::Error("\"" + priority + "\" is not a priority: one of emerg, alert, crit, err, warning, notice, info, debug, or 0 to 7");
  std::vector<std::string> out;
  for (int i = 0; i <= level; ++i) out.push_back("PRIORITY=" + std::to_string(i));
  return out;
}

Result<JournalSpec> ParseJournalSpec(const Config& config, const nlohmann::json& j, const std::string& at) {
  JournalSpec spec;
  if (j.is_null()) return spec;  // `journal:` alone: every entry of the system's journal
  for (const auto& m : StringListField(j, "matches")) {
    size_t eq = m.find('=');
    if (eq == std::string::npos || !IsJournalFieldName(std::string_view(m).substr(0, eq)))
      return config.ErrorAt(at + ".matches", "\"" + m + "\" is not a journal match: FIELD=VALUE, the FIELD of A-Z, 0-9 and _ "
                                                       "and not starting with a digit (e.g. _SYSTEMD_UNIT=ssh.service)");
    spec.matches.push_back(m);
  }
  for (const auto& u : StringListField(j, "units")) {
    auto match = UnitMatch(u);
    if (!match.ok()) return config.ErrorAt(at + ".units", match.error());
    spec.matches.push_back(*match);
  }
  if (j.contains("priority")) {
    auto levels = PriorityMatches(j["priority"].get<std::string>());
    if (!levels.ok()) return config.ErrorAt(at + ".priority", levels.error());
    spec.matches.insert(spec.matches.end(), levels->begin(), levels->end());
  }
  spec.directory = j.value("directory", "");
  if (j.contains("directory") && (spec.directory.empty() || spec.directory.front() != '/'))
    return config.ErrorAt(at + ".directory", "\"" + spec.directory + "\" is not an absolute path");
  return spec;
}

}  // namespace vigil

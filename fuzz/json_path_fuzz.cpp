// The JSON-path subset of timed HTTP checks (sources/scheduled/json_path.h): parsing a path,
// finding it in a document, and judging a condition on what was found.
// Input: path \0 JSON document \0 operator \0 JSON right-hand side.
// Besides not crashing: a parsed path written back in its canonical spelling ($.name, ['name'],
// [index]) parses to the same steps, and finds the same value.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "sources/scheduled/json_path.h"
#include "sources/scheduled/scheduled_watcher_spec.h"

namespace {

using vigil::JsonPathStep;

// The steps spelled back as a path; nullopt when a name cannot be spelled (holds ']').
std::optional<std::string> Spelled(const std::vector<JsonPathStep>& steps) {
  std::string path = "$";
  for (const JsonPathStep& step : steps) {
    if (const auto* index = std::get_if<size_t>(&step)) {
      path += "[" + std::to_string(*index) + "]";
    } else {
      const std::string& name = std::get<std::string>(step);
      if (name.find(']') != std::string::npos) return std::nullopt;
      path += "['" + name + "']";
    }
  }
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fields = vigil::fuzz::SplitFields(data, size, 4);
  std::string path(fields[0]);
  auto doc = nlohmann::json::parse(fields[1], nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) doc = nullptr;
  const nlohmann::json* found = vigil::FindJsonPath(doc, path);
  vigil::JsonCondition condition{std::string(fields[2]), nlohmann::json::parse(fields[3], nullptr, false)};
  if (condition.value.is_discarded()) condition.value = std::string(fields[3]);
  (void)vigil::ConditionHolds(found, condition);
  auto steps = vigil::ParseJsonPath(path);
  VIGIL_FUZZ_CHECK(steps.ok() || found == nullptr, "a malformed path found a value");
  if (!steps.ok()) return 0;
  auto spelled = Spelled(*steps);
  if (!spelled) return 0;
  auto again = vigil::ParseJsonPath(*spelled);
  VIGIL_FUZZ_CHECK(again.ok() && *again == *steps, "%s does not read back as its steps", spelled->c_str());
  VIGIL_FUZZ_CHECK(vigil::FindJsonPath(doc, *spelled) == found, "%s finds another value", spelled->c_str());
  return 0;
}

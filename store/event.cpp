#include "store/event.h"

#include "common/utf8_cut.h"

namespace vigil {
namespace {

void MakeJsonTextUtf8(nlohmann::json& j, int depth) {
  if (j.is_string()) {
    std::string& s = j.get_ref<std::string&>();
    if (!IsUtf8(s)) s = ValidUtf8(s);
  } else if (j.is_structured() && depth < 64) {  // parsers' metadata is shallow; never recurse without end
    for (auto& item : j) MakeJsonTextUtf8(item, depth + 1);
  }
}

}  // namespace

void MakeEventTextUtf8(Event& e) {
  for (std::string* s : {&e.title, &e.summary, &e.source_type, &e.source_id, &e.source_url}) {
    if (!IsUtf8(*s)) *s = ValidUtf8(*s);
  }
  MakeJsonTextUtf8(e.source_metadata, 0);
}

}  // namespace vigil

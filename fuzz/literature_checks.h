// Properties every literature parser's events hold, checked by the literature fuzz targets: an
// event has its source type and an id (the store's dedupe key), and its texts are UTF-8 (they are
// stored in text columns, which PostgreSQL refuses to hold otherwise).
#pragma once

#include <simdjson.h>

#include <string>

#include "fuzz/fuzz_input.h"
#include "store/event.h"

namespace vigil::fuzz {

inline bool IsUtf8(const std::string& s) { return simdjson::validate_utf8(s.data(), s.size()); }

inline void CheckLiteratureEvent(const Event& e, const char* source_type) {
  VIGIL_FUZZ_CHECK(e.source_type == source_type, "source_type %s", e.source_type.c_str());
  VIGIL_FUZZ_CHECK(!e.source_id.empty(), "an event without a source_id");
  VIGIL_FUZZ_CHECK(IsUtf8(e.source_id) && IsUtf8(e.title) && IsUtf8(e.summary) && IsUtf8(e.source_url),
                   "an event's text is not UTF-8: id %s", e.source_id.c_str());
  // Metadata is written with dump(): strict mode throws on text that is not UTF-8.
  (void)e.source_metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

}  // namespace vigil::fuzz

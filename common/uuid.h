// Random identifiers in UUID text form, as the seeds' UUID primary keys want, and the two text
// forms a UUID is stored in: hyphenated (PostgreSQL's uuid, RFC 9562's text) and 32 hex digits
// (what SQLAlchemy's Uuid type, and the GUID recipe of its 1.4 docs, store on SQLite).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

enum class UuidForm { kHyphenated, kHex };

// A version 7 UUID (time-ordered, so ids sort by creation; both forms sort alike), lower case.
std::string NewUuid(UuidForm form = UuidForm::kHyphenated);

// `text` written in `form` (lower case) if it is a UUID in either form, in any case; nullopt
// if it is not one (then it is no id vigil made, and is used as given).
std::optional<std::string> UuidIn(std::string_view text, UuidForm form);

// `text` with every hyphenated UUID in it (a run of 8-4-4-4-12 hex digits between characters that
// are not letters, digits or hyphens) written as 32 hex digits: how ids inside job arguments,
// unique keys and JSON columns are converted with their rows.
std::string HyphenatedUuidsToHex(std::string_view text);

}  // namespace vigil

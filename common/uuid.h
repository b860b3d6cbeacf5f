// Random identifiers in UUID text form, as the seeds' UUID primary keys want.
#pragma once

#include <string>

namespace vigil {

// A version 7 UUID (time-ordered, so ids sort by creation), lower-case hyphenated.
std::string NewUuid();

}  // namespace vigil

// Time values as vigil's tables store them: microseconds since the epoch in vigil_* tables;
// timestamp text in the seed tables (SQLite: "YYYY-MM-DD HH:MM:SS.ffffff" UTC, as SQLAlchemy
// writes it; PostgreSQL: the same with "+00" for TIMESTAMPTZ).
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"

namespace vigil {

int64_t ToMicros(TimePoint t);
TimePoint FromMicros(int64_t us);
std::string SeedTimestamp(TimePoint t, std::string_view dialect);

}  // namespace vigil

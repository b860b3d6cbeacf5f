// Cron expressions (daemon/cron.h): parsing, and the next fire time in a zone.
// Input: expression \0 zone name \0 Unix seconds to search after.
// Besides not crashing: the next fire time is strictly after the start; in UTC it is a matching
// wall time and, when it is within three hours, no wall time between start and it matches (the
// search skips nothing); the fire after it is later still.
#include <charconv>
#include <cstdint>
#include <string>

#include "common/local_time.h"
#include "fuzz/fuzz_input.h"
#include "jobs/engine/cron.h"

namespace {

using std::chrono::seconds;
using vigil::TimePoint;

// Seconds since the epoch from decimal text, kept within 1900-2100; 2026-01-01 when unreadable.
TimePoint StartFrom(std::string_view text) {
  int64_t s = 1767225600;
  std::from_chars(text.data(), text.data() + text.size(), s);
  return TimePoint(seconds(std::clamp<int64_t>(s, -2208988800, 4102444800)));
}

date::local_seconds UtcWall(TimePoint t) {
  return date::local_seconds(std::chrono::floor<seconds>(t.time_since_epoch()));
}

void CheckUtcSearch(const vigil::CronExpr& cron, TimePoint after, TimePoint next) {
  VIGIL_FUZZ_CHECK(cron.Matches(UtcWall(next)), "%s: Next is not a matching time", cron.text().c_str());
  if (next - after > std::chrono::hours(3)) return;
  seconds step = cron.has_seconds_field() ? seconds(1) : std::chrono::minutes(1);
  auto t = std::chrono::floor<seconds>(after) + seconds(1);
  if (!cron.has_seconds_field()) t = std::chrono::ceil<std::chrono::minutes>(t);
  for (; t < next; t += step)
    VIGIL_FUZZ_CHECK(!cron.Matches(UtcWall(t)), "%s: Next skipped a matching time", cron.text().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto fields = vigil::fuzz::SplitFields(data, size, 3);
  auto cron = vigil::CronExpr::Parse(fields[0]);
  if (!cron.ok()) return 0;
  const date::time_zone* zone = nullptr;
  if (!fields[1].empty() && fields[1].size() < 64) {
    auto found = vigil::FindTimeZone(std::string(fields[1]));
    if (found.ok()) zone = *found;
  }
  TimePoint after = StartFrom(fields[2]);
  auto next = cron->Next(after, zone);
  if (!next) return 0;
  VIGIL_FUZZ_CHECK(*next > after, "%s: Next is not after its start", cron->text().c_str());
  if (zone == nullptr) CheckUtcSearch(*cron, after, *next);
  auto later = cron->Next(*next, zone);
  VIGIL_FUZZ_CHECK(!later || *later > *next, "%s: fire times do not increase", cron->text().c_str());
  return 0;
}

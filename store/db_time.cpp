#include "store/db_time.h"

#include <cstdio>
#include <ctime>

namespace vigil {

int64_t ToMicros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TimePoint FromMicros(int64_t us) {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::microseconds(us)));
}

std::string SeedTimestamp(TimePoint t, std::string_view dialect) {
  int64_t us = ToMicros(t);
  time_t secs = static_cast<time_t>(us / 1000000);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[48];
  snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld%s", parts.tm_year + 1900, parts.tm_mon + 1,
           parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<long long>(us % 1000000),
           dialect == "postgres" ? "+00" : "");
  return buf;
}

}  // namespace vigil

#include "jobs/platform_db.h"

#include <mutex>
#include <set>

#include <spdlog/spdlog.h>

namespace vigil {

Result<PlatformDb> PlatformDb::Open(const std::string& url, SqlConnection& vigil_db) {
  PlatformDb db;
  if (url.empty()) {
    db.shared_ = &vigil_db;
    return db;
  }
  auto opened = OpenSqlConnection(url);
  if (!opened.ok()) return Status::Error("opening " + RedactUrl(url) + ": " + opened.error());
  db.owned_ = std::move(*opened);
  return db;
}

void LogMissingTableOnce(const std::string& job, const std::string& what) {
  static std::mutex mu;
  static std::set<std::string> said;
  std::lock_guard<std::mutex> lock(mu);
  if (!said.insert(job + "\n" + what).second) return;
  spdlog::warn("{}: {}; waiting for it (checked again every run)", job, what);
}

}  // namespace vigil

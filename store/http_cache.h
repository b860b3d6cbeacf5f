// HttpCache: the HTTP client's ValidatorCache (common/validator_cache.h) kept in
// vigil_http_cache, so a conditional GET after a restart still gets its 304.
//
// Rows are keyed by the URL with secret query values redacted (RedactUrlSecrets), so api keys
// never land in the database.
//
// Threads: any worker thread may call Lookup/Store. Each call uses the SqlConnection that
// `connection_for_this_thread` returns for the calling thread (a connection belongs to one thread,
// store/sql.h); that function must be safe to call from every thread that sends requests.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "common/validator_cache.h"
#include "store/sql.h"

namespace vigil {

class HttpCache : public ValidatorCache {
 public:
  using ConnectionForThread = std::function<SqlConnection*()>;

  explicit HttpCache(ConnectionForThread connection_for_this_thread, const Clock& clock = SystemClock::Instance());

  // The stored validators of `url`, nullopt if none; an error if the query failed.
  Result<std::optional<HttpValidators>> Lookup(const std::string& url) override;

  // Upserts the validators of `url` (updated_at = now, micros). Validators with neither field set
  // delete the row instead, so a stale ETag is not sent again.
  Status Store(const std::string& url, const HttpValidators& validators) override;

 private:
  Result<SqlConnection*> Connection();

  ConnectionForThread connection_for_this_thread_;
  const Clock& clock_;
};

}  // namespace vigil

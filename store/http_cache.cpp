#include "store/http_cache.h"

#include "common/url_secrets.h"
#include "store/db_time.h"

namespace vigil {
namespace {

SqlValue TextOrNull(const std::string& text) { return text.empty() ? SqlValue(SqlNull{}) : SqlValue(text); }

}  // namespace

HttpCache::HttpCache(ConnectionForThread connection_for_this_thread, const Clock& clock)
    : connection_for_this_thread_(std::move(connection_for_this_thread)), clock_(clock) {}

Result<SqlConnection*> HttpCache::Connection() {
  SqlConnection* db = connection_for_this_thread_ ? connection_for_this_thread_() : nullptr;
  if (db == nullptr) return Status::Error("http cache: no database connection on this thread");
  return db;
}

Result<std::optional<HttpValidators>> HttpCache::Lookup(const std::string& url) {
  auto db = Connection();
  if (!db.ok()) return db.status();
  auto result =
      (*db)->Query("SELECT etag, last_modified FROM vigil_http_cache WHERE url = $1", {RedactUrlSecrets(url)});
  if (!result.ok()) return result.status().WithContext("http cache lookup");
  if (result->rows.empty()) return std::optional<HttpValidators>();
  const SqlRow& row = result->rows.front();
  return std::optional<HttpValidators>(HttpValidators{row.Text(0), row.Text(1)});
}

Status HttpCache::Store(const std::string& url, const HttpValidators& validators) {
  auto db = Connection();
  if (!db.ok()) return db.status();
  std::string key = RedactUrlSecrets(url);
  if (validators.etag.empty() && validators.last_modified.empty()) {
    return (*db)->Query("DELETE FROM vigil_http_cache WHERE url = $1", {key}).status().WithContext("http cache delete");
  }
  // ON CONFLICT ... DO UPDATE is understood by PostgreSQL and by SQLite (3.24+) alike.
  auto result = (*db)->Query(
      "INSERT INTO vigil_http_cache (url, etag, last_modified, updated_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
      "updated_at = excluded.updated_at",
      {key, TextOrNull(validators.etag), TextOrNull(validators.last_modified), ToMicros(clock_.Now())});
  return result.status().WithContext("http cache store");
}

}  // namespace vigil

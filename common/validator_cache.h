// ValidatorCache: where a conditional GET keeps the validators (ETag, Last-Modified) of the last
// 200 seen for a URL, so the next request can ask "changed since?" and a 304 tells the caller
// "nothing changed, do nothing downstream". Only validators are kept, never bodies.
//
// It lives in common/ because both sides use it: the HTTP client (common/http) knows only this
// interface, and the store keeps the rows (store/http_cache.h,
// vigil_http_cache), so a conditional GET after a restart still gets its 304.
//
// Threads: implementations must allow Lookup and Store from any worker thread.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace vigil {

struct HttpValidators {
  std::string etag;           // "" when the server sent none
  std::string last_modified;  // "" when the server sent none
};

class ValidatorCache {
 public:
  virtual ~ValidatorCache() = default;

  // The stored validators of `url`, nullopt if none; an error if the lookup failed.
  virtual Result<std::optional<HttpValidators>> Lookup(const std::string& url) = 0;

  // Keeps the validators of `url`. Validators with neither field set forget the URL instead, so a
  // stale ETag is not sent again.
  virtual Status Store(const std::string& url, const HttpValidators& validators) = 0;
};

}  // namespace vigil

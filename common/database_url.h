// Database URLs as vigil names them: `sqlite:PATH` (also `sqlite:///abs/path`) or
// `postgresql://...` (also `postgres://`). Pure text functions, so the config layer can check a
// URL without opening it; store/sql.h opens them.
//
// Threads: pure functions, callable from any thread.
#pragma once

#include <string>

#include "common/status.h"

namespace vigil {

// "sqlite" or "postgres" for a URL, or an error naming the URL's scheme (password masked).
Result<std::string> DialectOfUrl(const std::string& url);

// The URL for logs and error texts: a password in the user-info and secret query parameters
// (password=, token=, ...) masked: postgresql://u:secret@h/db -> postgresql://u:***@h/db.
std::string RedactUrl(const std::string& url);

// `url` with a relative sqlite path made absolute against folder `base` ("sqlite:data/x.db" ->
// "sqlite:/etc/vigil/data/x.db"); `sqlite:///abs` becomes `sqlite:/abs`. Other URLs as given.
std::string AbsoluteSqliteUrl(const std::string& url, const std::string& base);

}  // namespace vigil

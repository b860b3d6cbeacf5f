// The PostgreSQL driver of SqlConnection, on libpqxx 6.4. Statements run with parameters
// (text format, types inferred by the server); libpqxx exceptions are caught here and turned into
// errors with their SQLSTATE class. A connection whose server went away reports !healthy();
// callers reopen it (with backoff).
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"

namespace vigil {

// With `read_only`, the session's transactions are READ ONLY (default_transaction_read_only).
Result<std::unique_ptr<SqlConnection>> OpenPgConnection(const std::string& url, bool read_only = false);

}  // namespace vigil

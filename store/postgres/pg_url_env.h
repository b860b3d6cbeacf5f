// A postgresql:// URL as libpq's environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
// PGDATABASE, PGSSLMODE, ...), for running pg_dump and pg_restore with the password in their
// environment rather than on a command line that `ps` shows to every user of the machine.
//
// Threads: pure; any thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vigil {

// postgresql://[user[:password]@][host][:port][/dbname][?param=value&...] (or postgres://),
// percent-decoded; query parameters libpq knows map to their variables. An error names what is
// wrong, never the password.
Result<std::vector<std::pair<std::string, std::string>>> LibpqEnvironment(const std::string& url);

}  // namespace vigil

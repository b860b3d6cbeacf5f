// A fresh, empty database per test, for either dialect. PostgreSQL tests use the server named
// by $VIGIL_TEST_PG_URL (scripts/test.sh starts a private one); without it they fail, they are
// never skipped.
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"
#include "tests/support/temp_dir.h"

namespace vigil::testing {

class TestDb {
 public:
  // dialect: "sqlite" or "postgres".
  explicit TestDb(const std::string& dialect);
  ~TestDb();

  const std::string& url() const { return url_; }
  // A new connection to the database (fails the test on error).
  std::unique_ptr<SqlConnection> Connect() const;

 private:
  std::string dialect_;
  std::string url_;
  std::string pg_name_;
  std::unique_ptr<TempDir> dir_;
};

// "postgresql://..." of the test server, or "" when $VIGIL_TEST_PG_URL is unset.
std::string TestPgBaseUrl();

// Both dialects, for INSTANTIATE_TEST_SUITE_P.
inline const char* kDialects[] = {"sqlite", "postgres"};

}  // namespace vigil::testing

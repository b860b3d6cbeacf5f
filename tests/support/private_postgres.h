// A PostgreSQL server of a test's own (scripts/pg-test-server.sh), for tests that take the
// database away under a running daemon while the shared test server stays up for the others.
// Construct it on the test thread; url() is empty if the server could not be started.
#pragma once

#include <string>

namespace vigil::testing {

class PrivatePostgres {
 public:
  PrivatePostgres();   // starts the server
  ~PrivatePostgres();  // stops it and removes its files
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  void Pause();   // stops the server at once (pg_ctl -m immediate), keeping its data
  void Resume();  // starts it again on the same port
  const std::string& url() const { return url_; }

 private:
  std::string dir_, url_;
};

}  // namespace vigil::testing

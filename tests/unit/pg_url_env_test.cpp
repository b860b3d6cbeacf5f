// A postgresql:// URL as libpq's environment (for pg_dump), and running a helper program.
#include <gtest/gtest.h>

#include <map>

#include "common/subprocess.h"
#include "store/postgres/pg_url_env.h"

namespace vigil {
namespace {

std::map<std::string, std::string> Env(const std::string& url) {
  auto r = LibpqEnvironment(url);
  EXPECT_TRUE(r.ok()) << r.error();
  return r.ok() ? std::map<std::string, std::string>(r->begin(), r->end()) : std::map<std::string, std::string>{};
}

TEST(LibpqEnvironment, EveryPartOfTheUrlBecomesItsVariable) {
  auto e = Env("postgresql://vigil%40ops:p%3Ass%2Fw@db.internal:6543/plat%20form?sslmode=verify-full&application_name=vigil");
  EXPECT_EQ(e["PGUSER"], "vigil@ops");
  EXPECT_EQ(e["PGPASSWORD"], "p:ss/w");
  EXPECT_EQ(e["PGHOST"], "db.internal");
  EXPECT_EQ(e["PGPORT"], "6543");
  EXPECT_EQ(e["PGDATABASE"], "plat form");
  EXPECT_EQ(e["PGSSLMODE"], "verify-full");
  EXPECT_EQ(e["PGAPPNAME"], "vigil");
}

TEST(LibpqEnvironment, IPv6SocketsAndBareUrls) {
  auto v6 = Env("postgres://u@[::1]:5432/db");
  EXPECT_EQ(v6["PGHOST"], "::1");
  EXPECT_EQ(v6["PGPORT"], "5432");
  EXPECT_FALSE(v6.count("PGPASSWORD"));
  auto socket = Env("postgresql:///platform?host=/var/run/postgresql");
  EXPECT_EQ(socket["PGHOST"], "/var/run/postgresql");
  EXPECT_EQ(socket["PGDATABASE"], "platform");
  EXPECT_FALSE(socket.count("PGUSER"));
}

TEST(LibpqEnvironment, BadUrlsAreRefusedWithoutThePassword) {
  for (const char* url : {"mysql://u:secretpw@h/db", "postgresql://u:secretpw@h:port/db", "postgresql://u:secret%zz@h/db",
                          "postgresql://u:secretpw@h/db?nosuch=1", "postgresql://u:secretpw@[::1/db", "postgresql://u:pw@h/d%00b"}) {
    auto r = LibpqEnvironment(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().find("secret"), std::string::npos) << r.error();
  }
}

TEST(RunProcess, ItsOutputExitCodeAndEnvironment) {
  auto r = RunProcess({"/bin/sh", "-c", "echo \"$VIGIL_X\"; echo oops >&2; exit 3"}, {{"VIGIL_X", "from env"}},
                      std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "from env\n");
  EXPECT_EQ(r->err, "oops\n");
}

TEST(RunProcess, ATimeoutStopsTheChild) {
  auto started = std::chrono::steady_clock::now();
  auto r = RunProcess({"/bin/sleep", "30"}, {}, std::chrono::milliseconds(300));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(RunProcess, AMissingProgramIsAnError) {
  auto r = RunProcess({"/nonexistent/tool"}, {}, std::chrono::seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("/nonexistent/tool: cannot run"), std::string::npos) << r.error();
}

TEST(RunProcess, OutputIsBounded) {
  auto r = RunProcess({"/bin/sh", "-c", "head -c 1000000 /dev/zero"}, {}, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->out.size(), 64u * 1024);
  EXPECT_EQ(r->exit_code, 0);
}

}  // namespace
}  // namespace vigil

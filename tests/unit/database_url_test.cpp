// Database URLs as text: which driver, what a log may show, where a relative sqlite path points.
#include "common/database_url.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(DatabaseUrl, DialectComesFromTheScheme) {
  EXPECT_EQ(*DialectOfUrl("sqlite:data/x.db"), "sqlite");
  EXPECT_EQ(*DialectOfUrl("sqlite:///var/lib/x.db"), "sqlite");
  EXPECT_EQ(*DialectOfUrl("postgresql://u@h/db"), "postgres");
  EXPECT_EQ(*DialectOfUrl("postgres://u@h/db"), "postgres");
  auto bad = DialectOfUrl("mysql://root:hunter2@h/db");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("mysql://root:***@h/db"), std::string::npos) << bad.error();
  EXPECT_EQ(bad.error().find("hunter2"), std::string::npos) << bad.error();
}

TEST(DatabaseUrl, RedactionMasksUserInfoAndQueryPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://vigil:s3cret@db.example.org:5432/platform"), "postgresql://vigil:***@db.example.org:5432/platform");
  EXPECT_EQ(RedactUrl("postgresql://vigil:p@ss@h/db"), "postgresql://vigil:***@h/db") << "an @ inside the password";
  EXPECT_EQ(RedactUrl("postgresql://h/db?user=vigil&password=s3cret&sslmode=require"),
            "postgresql://h/db?user=vigil&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://vigil@h/db"), "postgresql://vigil@h/db");
  EXPECT_EQ(RedactUrl("sqlite:/var/lib/vigil/vigil.db"), "sqlite:/var/lib/vigil/vigil.db");
}

TEST(DatabaseUrl, RelativeSqlitePathsResolveAgainstTheBaseFolder) {
  EXPECT_EQ(AbsoluteSqliteUrl("sqlite:data/platform.db", "/etc/vigil"), "sqlite:/etc/vigil/data/platform.db");
  EXPECT_EQ(AbsoluteSqliteUrl("sqlite:../p.db", "/etc/vigil"), "sqlite:/etc/p.db");
  EXPECT_EQ(AbsoluteSqliteUrl("sqlite:///srv/p.db", "/etc/vigil"), "sqlite:/srv/p.db");
  EXPECT_EQ(AbsoluteSqliteUrl("sqlite:/srv/p.db", "/etc/vigil"), "sqlite:/srv/p.db");
  EXPECT_EQ(AbsoluteSqliteUrl("sqlite::memory:", "/etc/vigil"), "sqlite::memory:");
  EXPECT_EQ(AbsoluteSqliteUrl("postgresql://h/db", "/etc/vigil"), "postgresql://h/db");
}

}  // namespace
}  // namespace vigil

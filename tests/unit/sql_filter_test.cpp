#include "store/sql_filter.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(SqlFilter, NoConditionsIsNoWhereClause) {
  SqlFilter where;
  EXPECT_EQ(where.Sql(), "");
  EXPECT_EQ(where.Bind(int64_t(10)), "$1");
  EXPECT_EQ(where.params().size(), 1u);
}

TEST(SqlFilter, PlaceholdersFollowTheOrderValuesAreAdded) {
  SqlFilter where;
  where.Add("state = ?", std::string("available"));
  where.Add("(a, id) < (SELECT a, id FROM t WHERE id = ?)", std::string("x"));
  EXPECT_EQ(where.Sql() + " LIMIT " + where.Bind(int64_t(5)),
            " WHERE state = $1 AND (a, id) < (SELECT a, id FROM t WHERE id = $2) LIMIT $3");
  ASSERT_EQ(where.params().size(), 3u);
  EXPECT_EQ(std::get<std::string>(where.params()[1]), "x");
  EXPECT_EQ(std::get<int64_t>(where.params()[2]), 5);
}

}  // namespace
}  // namespace vigil

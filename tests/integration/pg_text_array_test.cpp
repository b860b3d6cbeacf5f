// PgTextArray (store/values_list.h): a text[] literal that PostgreSQL reads back as exactly the
// strings given (quotes, backslashes, commas, braces, spaces, the empty string, NULL's spelling,
// non-ASCII), against the test PostgreSQL.
#include <gtest/gtest.h>

#include "store/values_list.h"
#include "tests/support/test_db.h"

namespace vigil {
namespace {

TEST(PgTextArray, ReadsBackAsTheStringsGiven) {
  EXPECT_EQ(PgTextArray({}), "{}");
  EXPECT_EQ(PgTextArray({"a", "b c"}), "{\"a\",\"b c\"}");
  std::vector<std::string> items = {"plain", "", "NULL", "with \"quotes\"", "back\\slash", "a,b", "{braces}", " spaced ",
                                    "naïve café", "tab\there"};
  testing::TestDb db("postgres");
  auto conn = db.Connect();
  ASSERT_TRUE(conn);
  auto r = conn->Query("SELECT x, x IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n", {PgTextArray(items)});
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->rows.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(r->rows[i].Text(0), items[i]);
    EXPECT_FALSE(r->rows[i].Bool(1)) << items[i];
  }
}

}  // namespace
}  // namespace vigil

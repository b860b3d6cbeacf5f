#include "common/http/http_types.h"

#include <gtest/gtest.h>

namespace vigil {

TEST(HttpRequest, HeaderLookupIsCaseInsensitive) {
  HttpRequest r;
  r.headers = {{"X-Hub-Signature-256", "sha256=ab"}};
  ASSERT_NE(r.Header("x-hub-signature-256"), nullptr);
  EXPECT_EQ(*r.Header("x-hub-signature-256"), "sha256=ab");
  EXPECT_EQ(r.Header("x-hub-signature"), nullptr);
}

}  // namespace vigil

#include "common/ip_range.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

IpAddress Ip(const char* text) {
  auto a = IpAddress::Parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

TEST(IpAddress, ParsesV4V6MappedBracketedAndZoned) {
  EXPECT_TRUE(Ip("192.0.2.1").is_v4());
  EXPECT_FALSE(Ip("2001:db8::1").is_v4());
  EXPECT_EQ(Ip("::ffff:192.0.2.1"), Ip("192.0.2.1"));
  EXPECT_EQ(Ip("[2001:db8::1]"), Ip("2001:db8::1"));
  EXPECT_EQ(Ip("fe80::1%eth0"), Ip("fe80::1"));
  EXPECT_FALSE(IpAddress::Parse("").has_value());
  EXPECT_FALSE(IpAddress::Parse("example.com").has_value());
  EXPECT_FALSE(IpAddress::Parse("1.2.3.4.5").has_value());
}

TEST(IpAddress, PrintsCanonicalText) {
  EXPECT_EQ(Ip("::ffff:10.0.0.1").ToString(), "10.0.0.1");
  EXPECT_EQ(Ip("2001:0db8:0000:0000:0000:0000:0000:0001").ToString(), "2001:db8::1");
}

TEST(CidrRange, ContainsByPrefixBits) {
  auto r = CidrRange::Parse("172.16.0.0/12");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Contains(Ip("172.31.255.255")));
  EXPECT_FALSE(r->Contains(Ip("172.32.0.0")));
  EXPECT_FALSE(r->Contains(Ip("172.15.255.255")));
}

TEST(CidrRange, BareAddressIsRangeOfOne) {
  auto r = CidrRange::Parse("2001:db8::5");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Contains(Ip("2001:db8::5")));
  EXPECT_FALSE(r->Contains(Ip("2001:db8::4")));
}

TEST(CidrRange, ZeroPrefixV4ContainsOnlyIpv4) {
  auto r = CidrRange::Parse("0.0.0.0/0");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Contains(Ip("203.0.113.9")));
  EXPECT_FALSE(r->Contains(Ip("2001:db8::1")));
}

TEST(CidrRange, CoversItselfAndNarrowerRangesInsideIt) {
  auto wide = CidrRange::Parse("10.0.0.0/8");
  auto narrow = CidrRange::Parse("10.1.0.0/16");
  auto other = CidrRange::Parse("192.168.0.0/16");
  ASSERT_TRUE(wide.ok() && narrow.ok() && other.ok());
  EXPECT_TRUE(wide->Covers(*wide));
  EXPECT_TRUE(wide->Covers(*narrow));
  EXPECT_FALSE(narrow->Covers(*wide));
  EXPECT_FALSE(wide->Covers(*other));
  EXPECT_TRUE(CidrRange::Parse("::/0")->Covers(*CidrRange::Parse("2001:db8::/32")));
}

TEST(CidrRange, RejectsBadPrefixes) {
  EXPECT_EQ(CidrRange::Parse("10.0.0.0/33").error(), "prefix length 33 out of range 0..32");
  EXPECT_EQ(CidrRange::Parse("::/129").error(), "prefix length 129 out of range 0..128");
  EXPECT_FALSE(CidrRange::Parse("10.0.0.0/").ok());
  EXPECT_FALSE(CidrRange::Parse("10.0.0.0/8x").ok());
  EXPECT_FALSE(CidrRange::Parse("10.0.0.0/-1").ok());
  EXPECT_EQ(CidrRange::Parse("ten/8").error(), "not an IP address");
}

}  // namespace
}  // namespace vigil

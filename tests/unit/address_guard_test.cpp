// Which addresses the address guard counts as public, and its allowlist.
#include "common/http/address_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace vigil {
namespace {

// The reason for a textual address ("" when public).
std::string ReasonFor(const std::string& text) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  } else {
    ADD_FAILURE() << "not an address: " << text;
  }
  return NonPublicReason(reinterpret_cast<sockaddr*>(&storage)).value_or("");
}

TEST(AddressGuardTest, ClassifiesIpv4SpecialRanges) {
  EXPECT_EQ(ReasonFor("127.0.0.1"), "loopback");
  EXPECT_EQ(ReasonFor("127.255.0.9"), "loopback");
  EXPECT_EQ(ReasonFor("10.1.2.3"), "private");
  EXPECT_EQ(ReasonFor("172.16.0.1"), "private");
  EXPECT_EQ(ReasonFor("172.31.255.255"), "private");
  EXPECT_EQ(ReasonFor("192.168.1.1"), "private");
  EXPECT_EQ(ReasonFor("169.254.169.254"), "link-local");
  EXPECT_EQ(ReasonFor("100.64.0.1"), "CGNAT");
  EXPECT_EQ(ReasonFor("100.127.255.254"), "CGNAT");
  EXPECT_EQ(ReasonFor("224.0.0.1"), "multicast");
  EXPECT_EQ(ReasonFor("0.0.0.0"), "unspecified");
  EXPECT_EQ(ReasonFor("255.255.255.255"), "broadcast");
}

TEST(AddressGuardTest, PublicIpv4IsAllowedIncludingRangeNeighbours) {
  EXPECT_EQ(ReasonFor("8.8.8.8"), "");
  EXPECT_EQ(ReasonFor("130.14.29.110"), "");  // eutils.ncbi.nlm.nih.gov
  EXPECT_EQ(ReasonFor("172.32.0.1"), "");     // just past 172.16/12
  EXPECT_EQ(ReasonFor("100.128.0.1"), "");    // just past 100.64/10
  EXPECT_EQ(ReasonFor("11.0.0.1"), "");
}

TEST(AddressGuardTest, ClassifiesIpv6SpecialRanges) {
  EXPECT_EQ(ReasonFor("::1"), "loopback");
  EXPECT_EQ(ReasonFor("::"), "unspecified");
  EXPECT_EQ(ReasonFor("fc00::1"), "private");
  EXPECT_EQ(ReasonFor("fd12:3456::1"), "private");
  EXPECT_EQ(ReasonFor("fe80::1"), "link-local");
  EXPECT_EQ(ReasonFor("ff02::1"), "multicast");
}

TEST(AddressGuardTest, ClassifiesIpv4EmbeddedInIpv6) {
  EXPECT_EQ(ReasonFor("::ffff:127.0.0.1"), "IPv4-mapped loopback");
  EXPECT_EQ(ReasonFor("::ffff:10.0.0.1"), "IPv4-mapped private");
  EXPECT_EQ(ReasonFor("::127.0.0.1"), "IPv4-compatible loopback");
  EXPECT_EQ(ReasonFor("64:ff9b::7f00:1"), "NAT64 loopback");
  EXPECT_EQ(ReasonFor("64:ff9b::a9fe:a9fe"), "NAT64 link-local");
  EXPECT_EQ(ReasonFor("2002:c0a8:0101::1"), "6to4 private");
}

TEST(AddressGuardTest, PublicIpv6AndItsEmbeddedFormsAreAllowed) {
  EXPECT_EQ(ReasonFor("2606:4700:4700::1111"), "");
  EXPECT_EQ(ReasonFor("::ffff:8.8.8.8"), "");
  EXPECT_EQ(ReasonFor("64:ff9b::808:808"), "");
}

TEST(AddressGuardTest, AllowlistMatchesExactHostNamesOnly) {
  AddressGuard guard(AddressGuardPolicy{{"Intranet.Example", "::1"}});
  EXPECT_TRUE(guard.IsAllowedHost("intranet.example"));
  EXPECT_TRUE(guard.IsAllowedHost("[::1]"));
  EXPECT_FALSE(guard.IsAllowedHost("sub.intranet.example"));
  EXPECT_FALSE(guard.IsAllowedHost("intranet.example.evil"));
}

TEST(AddressGuardTest, CheckHostResolvesNumericFormsAndExplains) {
  AddressGuard guard(AddressGuardPolicy{});
  EXPECT_EQ(guard.CheckHost("2130706433").message(), "refused: 2130706433 resolves to 127.0.0.1 (loopback)");
  EXPECT_EQ(guard.CheckHost("0x7f000001").message(), "refused: 0x7f000001 resolves to 127.0.0.1 (loopback)");
  // What "localhost" resolves to is the machine's choice (/etc/hosts; a fresh debootstrap root has
  // none, and there glibc answered ::1; with an empty one it does not resolve, and CheckHost leaves
  // the decision to the check of the address curl connects to). Whenever it resolves, it is
  // refused as loopback.
  Status localhost = guard.CheckHost("localhost");
  if (!localhost.ok()) {
    EXPECT_TRUE(localhost.message() == "refused: localhost resolves to 127.0.0.1 (loopback)" ||
                localhost.message() == "refused: localhost resolves to ::1 (loopback)")
        << localhost.message();
  }
  EXPECT_TRUE(guard.CheckHost("8.8.8.8").ok());
}

}  // namespace
}  // namespace vigil

#include "common/flags.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

TEST(ParseDurationTest, AcceptsPrometheusDurations) {
  EXPECT_EQ(*ParseDurationMs("1s"), 1000);
  EXPECT_EQ(*ParseDurationMs("500ms"), 500);
  EXPECT_EQ(*ParseDurationMs("1m30s"), 90'000);
  EXPECT_EQ(*ParseDurationMs("2h"), 7'200'000);
  EXPECT_EQ(*ParseDurationMs("1d"), 86'400'000);
  EXPECT_EQ(*ParseDurationMs("1w"), 7 * 86'400'000LL);
  EXPECT_EQ(*ParseDurationMs("0"), 0);
}

TEST(ParseDurationTest, RejectsWithAClearMessage) {
  auto r = ParseDurationMs("5x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "duration \"5x\": unknown unit (use a number and a unit: ms, s, m, h, d, w, y; e.g. "
            "1m30s)");
  EXPECT_FALSE(ParseDurationMs("").ok());
  EXPECT_FALSE(ParseDurationMs("s").ok());
  EXPECT_FALSE(ParseDurationMs("-1s").ok());
  EXPECT_FALSE(ParseDurationMs("1.5s").ok());
  EXPECT_FALSE(ParseDurationMs("1s1m").ok());  // Prometheus: largest unit first
  EXPECT_FALSE(ParseDurationMs("1m1m").ok());
  EXPECT_EQ(*ParseDurationMs("1h30m15s500ms"), 5'415'500);
  EXPECT_FALSE(ParseDurationMs("99999999999999999999y").ok());
}

TEST(FormatDurationTest, RoundTrips) {
  for (int64_t ms : {0LL, 500LL, 1000LL, 90'000LL, 3'723'004LL, 86'400'000LL}) {
    EXPECT_EQ(*ParseDurationMs(FormatDurationMs(ms)), ms) << FormatDurationMs(ms);
  }
  EXPECT_EQ(FormatDurationMs(90'000), "1m30s");
}

TEST(ParseListenAddressTest, HostsAndPorts) {
  auto a = ParseListenAddress(":9400");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "");
  EXPECT_EQ(a->port, 9400);
  auto b = ParseListenAddress("127.0.1.2:9400");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "127.0.1.2");
  auto c = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 0);
}

TEST(ParseListenAddressTest, RejectsBadInput) {
  EXPECT_EQ(ParseListenAddress("9400").status().message(),
            "listen address \"9400\": missing port (use host:port, :port or [v6]:port)");
  EXPECT_FALSE(ParseListenAddress(":70000").ok());
  EXPECT_FALSE(ParseListenAddress(":").ok());
  EXPECT_FALSE(ParseListenAddress("::1:80").ok());
  EXPECT_FALSE(ParseListenAddress("host:80x").ok());
}

}  // namespace
}  // namespace gw

#include "hub/inflate.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "http/gzip.h"

namespace gw::hub {
namespace {

// A page of exposition text, about `lines` lines long.
std::string Page(int lines, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string text;
  for (int i = 0; i < lines; ++i) {
    text += "DCGM_FI_DEV_GPU_UTIL{gpu=\"" + std::to_string(i % 8) + "\",UUID=\"GPU-" +
            std::to_string(rng()) + "\"} " + std::to_string(rng() % 100) + "\n";
  }
  return text;
}

// InflateGzip must answer exactly as the zlib reference does, on good and bad data alike.
void ExpectSameAsZlib(const std::string& data, size_t limit) {
  StatusOr<std::string> fast = InflateGzip(data, limit);
  StatusOr<std::string> reference = http::GzipDecompress(data, limit);
  ASSERT_EQ(fast.ok(), reference.ok()) << fast.status().ToString() << " vs "
                                       << reference.status().ToString();
  if (reference.ok()) {
    EXPECT_EQ(*fast, *reference);
  } else {
    EXPECT_EQ(fast.status().code(), reference.status().code());
    EXPECT_EQ(fast.status().message(), reference.status().message());
  }
}

TEST(InflateGzipTest, OneMemberRoundTrips) {
  const std::string page = Page(2000, 1);
  StatusOr<std::string> out = InflateGzip(http::GzipCompress(page), 1 << 24);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, page);
}

TEST(InflateGzipTest, ConcatenatedMembersRoundTrip) {
  const std::string a = Page(300, 2);
  const std::string b = Page(5000, 3);  // larger than the first guess of the output size
  StatusOr<std::string> out = InflateGzip(http::GzipCompress(a) + http::GzipCompress(b), 1 << 24);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, a + b);
}

TEST(InflateGzipTest, BadDataIsExplainedAsZlibExplainsIt) {
  const std::string good = http::GzipCompress(Page(500, 4));
  ExpectSameAsZlib(good, 1 << 24);
  ExpectSameAsZlib(good.substr(0, good.size() / 2), 1 << 24);  // truncated
  ExpectSameAsZlib(good.substr(0, good.size() - 3), 1 << 24);  // trailer cut
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x40);
  ExpectSameAsZlib(flipped, 1 << 24);
  std::string lying = good;  // the trailer's size claims 16 bytes more
  lying[good.size() - 4] = static_cast<char>(lying[good.size() - 4] + 16);
  ExpectSameAsZlib(lying, 1 << 24);
  ExpectSameAsZlib("", 1 << 24);
  ExpectSameAsZlib("not gzip at all, not even close", 1 << 24);
}

TEST(InflateGzipTest, OutputLimitIsExactlyZlibs) {
  const std::string page = Page(1000, 5);
  const std::string gz = http::GzipCompress(page);
  ExpectSameAsZlib(gz, page.size());      // fits exactly
  ExpectSameAsZlib(gz, page.size() - 1);  // one byte over: kResourceExhausted
  EXPECT_EQ(InflateGzip(gz, page.size() - 1).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace gw::hub

#include "http/gzip.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::http {
namespace {

std::string Pseudorandom(size_t n) {
  std::string out(n, '\0');
  uint32_t x = 12345;
  for (char& c : out) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

TEST(GzipTest, RoundTripsEmptySmallAndLarge) {
  for (const std::string& data :
       {std::string(), std::string("hello"), std::string(3 << 20, 'a'), Pseudorandom(300000)}) {
    std::string compressed = GzipCompress(data);
    ASSERT_GE(compressed.size(), 18u);  // header + trailer
    EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
    StatusOr<std::string> back = GzipDecompress(compressed, data.size());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
  }
}

TEST(GzipTest, CompressesRepetitiveData) {
  EXPECT_LT(GzipCompress(std::string(100000, 'x')).size(), 1000u);
  EXPECT_LT(GzipCompress(std::string(100000, 'x'), 1).size(), 2000u);
}

TEST(GzipTest, DecompressesConcatenatedMembers) {
  StatusOr<std::string> back = GzipDecompress(GzipCompress("abc") + GzipCompress("def"), 100);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, "abcdef");
}

TEST(GzipTest, OutputLimitIsResourceExhausted) {
  std::string compressed = GzipCompress(std::string(10000, 'z'));
  EXPECT_TRUE(GzipDecompress(compressed, 10000).ok());
  StatusOr<std::string> over = GzipDecompress(compressed, 9999);
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(over.status().message(), "gzip: decompressed data exceeds 9999 bytes");
}

TEST(GzipTest, GarbageIsInvalidArgument) {
  StatusOr<std::string> bad = GzipDecompress("this is not gzip at all", 1000);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("gzip: data is corrupt: ", 0), 0u)
      << bad.status().message();
  EXPECT_EQ(GzipDecompress("", 1000).status().code(), StatusCode::kInvalidArgument);
}

TEST(GzipTest, TruncatedIsInvalidArgument) {
  std::string compressed = GzipCompress(Pseudorandom(5000));
  StatusOr<std::string> bad = GzipDecompress(compressed.substr(0, compressed.size() - 10), 10000);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "gzip: data is truncated");
}

TEST(GzipTest, CorruptTrailerIsInvalidArgument) {
  std::string compressed = GzipCompress("some data to check the crc of");
  compressed[compressed.size() - 6] ^= 0x55;  // inside the CRC-32
  EXPECT_EQ(GzipDecompress(compressed, 1000).status().code(), StatusCode::kInvalidArgument);
}

TEST(AcceptsGzipTest, ReadsCodingsAndQValues) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, * ; q=0.1"));
  EXPECT_TRUE(AcceptsGzip(" gzip ; q=1 "));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));  // named refusal wins over the wildcard
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=bogus"));
  EXPECT_FALSE(AcceptsGzip("gzipped"));
}

}  // namespace
}  // namespace gw::http

#include "tsdb/bitstream.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace gw::tsdb {
namespace {

TEST(BitWriterTest, PacksMostSignificantBitFirst) {
  BitWriter w;
  w.WriteBit(true);
  w.WriteBits(0b01, 2);
  w.WriteBits(0x1ff, 9);
  EXPECT_EQ(w.bytes(), (std::vector<uint8_t>{0b10111111, 0b11110000}));
}

TEST(BitStreamTest, RoundTripsRandomFieldWidths) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<uint64_t, int>> fields;
  BitWriter w;
  for (int i = 0; i < 2000; ++i) {
    const int n = static_cast<int>(rng() % 65);
    const uint64_t v = n == 64 ? rng() : rng() & ((uint64_t{1} << n) - 1);
    fields.emplace_back(v, n);
    w.WriteBits(v, n);
  }
  BitReader r(w.bytes());
  for (const auto& [v, n] : fields) {
    uint64_t got;
    ASSERT_TRUE(r.ReadBits(n, &got));
    ASSERT_EQ(got, v) << "width " << n;
  }
  EXPECT_LT(r.bits_left(), 8u);
}

TEST(BitStreamTest, VarintsMatchGoEncoding) {
  BitWriter w;
  w.WriteVarint(-1);    // zig-zag 1
  w.WriteVarint(1000);  // zig-zag 2000 = 0xd0 0x0f
  w.WriteUvarint(300);  // 0xac 0x02
  EXPECT_EQ(w.bytes(), (std::vector<uint8_t>{0x01, 0xd0, 0x0f, 0xac, 0x02}));
  for (int64_t x : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                    int64_t{0}, int64_t{-123456789}}) {
    BitWriter w2;
    w2.WriteBit(true);  // unaligned, as varints may be in principle
    w2.WriteVarint(x);
    BitReader r(w2.bytes());
    bool bit;
    int64_t got;
    ASSERT_TRUE(r.ReadBit(&bit));
    ASSERT_TRUE(r.ReadVarint(&got));
    EXPECT_EQ(got, x);
  }
}

TEST(BitReaderTest, RefusesToReadPastTheEnd) {
  const std::vector<uint8_t> data = {0xff, 0x00};
  BitReader r(data);
  uint64_t v;
  EXPECT_FALSE(r.ReadBits(17, &v));
  ASSERT_TRUE(r.ReadBits(16, &v));
  EXPECT_EQ(v, 0xff00u);
  bool bit;
  EXPECT_FALSE(r.ReadBit(&bit));
  EXPECT_FALSE(r.ReadBits(1, &v));
}

TEST(BitReaderTest, RejectsOverlongAndTruncatedVarints) {
  const std::vector<uint8_t> overlong(11, 0xff);
  uint64_t v;
  EXPECT_FALSE(BitReader(overlong).ReadUvarint(&v));
  // Ten bytes whose last carries more than the 64th bit.
  std::vector<uint8_t> overflow(9, 0xff);
  overflow.push_back(0x02);
  EXPECT_FALSE(BitReader(overflow).ReadUvarint(&v));
  overflow.back() = 0x01;
  ASSERT_TRUE(BitReader(overflow).ReadUvarint(&v));
  EXPECT_EQ(v, std::numeric_limits<uint64_t>::max());
  const std::vector<uint8_t> truncated = {0x80, 0x80};
  EXPECT_FALSE(BitReader(truncated).ReadUvarint(&v));
}

}  // namespace
}  // namespace gw::tsdb

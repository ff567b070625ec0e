// Tests of the XOR chunk writer and reader together.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "tsdb/sample.h"
#include "tsdb/test_util.h"
#include "tsdb/xor_format.h"
#include "tsdb/xor_reader.h"
#include "tsdb/xor_writer.h"

namespace gw::tsdb {
namespace {

using ::gw::tsdb::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<uint8_t> Encode(const std::vector<Sample>& samples) {
  XorWriter w;
  for (const Sample& s : samples) w.Append(s.t_ms, s.v);
  return w.TakeBytes();
}

StatusOr<std::vector<Sample>> Decode(std::span<const uint8_t> chunk) {
  XorIterator it(chunk);
  std::vector<Sample> out;
  while (it.Next()) out.push_back({it.t_ms(), it.value()});
  if (!it.status().ok()) return it.status();
  return out;
}

// Compares values by bits, so NaN payloads and -0.0 count.
void ExpectRoundTrip(const std::vector<Sample>& samples) {
  const std::vector<uint8_t> chunk = Encode(samples);
  StatusOr<std::vector<Sample>> got = Decode(chunk);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    ASSERT_EQ((*got)[i].t_ms, samples[i].t_ms) << "sample " << i;
    ASSERT_EQ(std::bit_cast<uint64_t>((*got)[i].v), std::bit_cast<uint64_t>(samples[i].v))
        << "sample " << i << ": want " << samples[i].v << " got " << (*got)[i].v;
  }
}

TEST(XorChunkTest, EncodesPrometheusLayoutByteForByte) {
  // count=3 | varint(1000)=d0 0f | 1.0 | uvarint(1000)=e8 07 | '0' (v) | '0' (dod) '0' (v) pad.
  const std::vector<uint8_t> want = {0x00, 0x03, 0xd0, 0x0f, 0x3f, 0xf0, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0xe8, 0x07, 0x00};
  EXPECT_EQ(Encode({{1000, 1.0}, {2000, 1.0}, {3000, 1.0}}), want);
}

TEST(XorChunkTest, EmptyChunkIsJustTheHeader) {
  XorWriter w;
  EXPECT_EQ(std::vector<uint8_t>(w.bytes().begin(), w.bytes().end()), (std::vector<uint8_t>{0, 0}));
  StatusOr<std::vector<Sample>> got = Decode(w.bytes());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST(XorChunkTest, RoundTripsSpecialValues) {
  ExpectRoundTrip({{1, std::nan("")},
                   {2, StaleMarker()},
                   {3, kInf},
                   {4, -kInf},
                   {5, -0.0},
                   {6, 0.0},
                   {7, StaleMarker()},
                   {8, std::numeric_limits<double>::denorm_min()},
                   {9, std::numeric_limits<double>::max()},
                   {10, -std::numeric_limits<double>::lowest()},
                   {11, 42.5}});
}

TEST(XorChunkTest, StaleMarkerSurvivesByBits) {
  const std::vector<uint8_t> chunk = Encode({{1, 3.0}, {2, StaleMarker()}});
  XorIterator it(chunk);
  ASSERT_TRUE(it.Next());
  EXPECT_FALSE(IsStaleMarker(it.value()));
  ASSERT_TRUE(it.Next());
  EXPECT_TRUE(IsStaleMarker(it.value()));
  EXPECT_FALSE(IsStaleMarker(std::nan("")));
}

TEST(XorChunkTest, IdenticalValuesCostTwoBitsPerSample) {
  std::vector<Sample> samples;
  samples.reserve(120);
  for (int i = 0; i < 120; ++i) samples.push_back({1'700'000'000'000 + i * int64_t{1000}, 77.0});
  ExpectRoundTrip(samples);
  // 2 + 6 (varint) + 8 + 2 (uvarint 1000) + 1 bit + 118 * 2 bits = 18 bytes + 237 bits.
  EXPECT_EQ(Encode(samples).size(), 18u + (237 + 7) / 8);
}

TEST(XorChunkTest, RoundTripsHugeTimestampJumps) {
  ExpectRoundTrip(
      {{kInt64Min, 1}, {kInt64Min + 1, 2}, {0, 3}, {1, 4}, {kInt64Max - 1, 5}, {kInt64Max, 6}});
  ExpectRoundTrip({{-5, 1}, {kInt64Max, 2}});
  ExpectRoundTrip({{kInt64Min, 1}, {kInt64Max, 2}});
}

TEST(XorChunkTest, RoundTripsEveryDodBucketBoundary) {
  // Negative dods come from a shrinking delta; the base delta is large enough for all of them.
  for (int64_t dod : {int64_t{1}, int64_t{-1}, int64_t{8192}, int64_t{8193}, int64_t{-8191},
                      int64_t{-8192}, int64_t{65536}, int64_t{65537}, int64_t{-65535},
                      int64_t{-65536}, int64_t{524288}, int64_t{524289}, int64_t{-524287},
                      int64_t{-524288}, int64_t{1} << 40, -(int64_t{1} << 40)}) {
    const int64_t base = int64_t{1} << 41;
    SCOPED_TRACE(dod);
    ExpectRoundTrip({{0, 1}, {base, 2}, {2 * base + dod, 3}, {3 * base + 2 * dod, 4}});
  }
}

TEST(XorChunkTest, DodBucketsHaveTheDocumentedPrefixesAndWidths) {
  struct Case {
    int64_t dod;
    uint64_t prefix;
    int prefix_bits;
    int value_bits;
    uint64_t value;  // two's complement in value_bits
  };
  const Case cases[] = {
      {8192, 0b10, 2, 14, 8192},
      {-8191, 0b10, 2, 14, 16384 - 8191},
      {8193, 0b110, 3, 17, 8193},
      {-8192, 0b110, 3, 17, 131072 - 8192},
      {524288, 0b1110, 4, 20, 524288},
      {524289, 0b1111, 4, 64, 524289},
      {-524288, 0b1111, 4, 64, static_cast<uint64_t>(int64_t{-524288})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dod);
    // The third sample's dod follows 14 bytes (header 2, t0 1, v0 8, delta 10^6 3) and one '0'
    // bit for the unchanged second value.
    const std::vector<uint8_t> chunk = Encode({{0, 1}, {1'000'000, 1}, {2'000'000 + c.dod, 1}});
    BitReader r(chunk);
    uint64_t skip, prefix, value;
    ASSERT_TRUE(r.ReadBits(64, &skip) && r.ReadBits(14 * 8 + 1 - 64, &skip));
    ASSERT_TRUE(r.ReadBits(c.prefix_bits, &prefix));
    ASSERT_TRUE(r.ReadBits(c.value_bits, &value));
    EXPECT_EQ(prefix, c.prefix);
    EXPECT_EQ(value, c.value);
  }
}

TEST(XorChunkTest, PropertyRandomSeriesRoundTrip) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<Sample> samples;
    int64_t t = static_cast<int64_t>(rng() % 2'000'000'000'000) - 1'000'000'000'000;
    double v = 0;
    const int n = 1 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {  // delta: regular, jittered, big, huge
        case 0:
          t += 1000;
          break;
        case 1:
          t += 900 + static_cast<int64_t>(rng() % 200);
          break;
        case 2:
          t += 1 + static_cast<int64_t>(rng() % 10'000'000);
          break;
        default:
          t += 1 + static_cast<int64_t>(rng() % (int64_t{1} << 40));
          break;
      }
      switch (rng() % 5) {  // value: same, small step, random bits, integer, special
        case 0:
          break;
        case 1:
          v += 0.25;
          break;
        case 2:
          v = std::bit_cast<double>(rng());
          break;
        case 3:
          v = static_cast<double>(rng() % 100);
          break;
        default:
          v = (rng() % 2) ? StaleMarker() : -0.0;
          break;
      }
      samples.push_back({t, v});
    }
    SCOPED_TRACE(round);
    ASSERT_NO_FATAL_FAILURE(ExpectRoundTrip(samples));
  }
}

TEST(XorChunkTest, SeekFindsFirstSampleAtOrAfter) {
  const std::vector<uint8_t> chunk = Encode({{10, 1}, {20, 2}, {30, 3}, {40, 4}});
  XorIterator it(chunk);
  ASSERT_TRUE(it.Seek(15));
  EXPECT_EQ(it.t_ms(), 20);
  ASSERT_TRUE(it.Seek(5));  // never backwards
  EXPECT_EQ(it.t_ms(), 20);
  ASSERT_TRUE(it.Seek(30));
  EXPECT_EQ(it.value(), 3);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.t_ms(), 40);
  EXPECT_FALSE(it.Seek(41));
  EXPECT_TRUE(it.status().ok());
}

TEST(XorChunkTest, CutsAt120SamplesOr1024Bytes) {
  XorWriter w;
  for (int i = 0; i < kMaxSamplesPerChunk; ++i) {
    EXPECT_FALSE(w.Full());
    w.Append(i * int64_t{1000}, 1.0);
  }
  EXPECT_TRUE(w.Full());

  XorWriter noisy;
  std::mt19937_64 rng(1);
  int n = 0;
  int64_t t = 0;
  while (!noisy.Full()) {  // random jumps and random bits: about 18 bytes a sample
    t += 1 + static_cast<int64_t>(rng() % (int64_t{1} << 40));
    noisy.Append(t, std::bit_cast<double>(rng()));
    ++n;
  }
  EXPECT_LT(n, kMaxSamplesPerChunk);
  EXPECT_GE(noisy.bytes().size(), kMaxBytesPerChunk);
  EXPECT_LE(noisy.bytes().size(), kMaxBytesPerChunk + 19);
}

TEST(XorChunkTest, WriterRequiresIncreasingTimestamps) {
  XorWriter w;
  w.Append(100, 1);
  EXPECT_DEBUG_DEATH(w.Append(100, 2), "t_ms > t_ms_");
}

TEST(XorChunkCorruptionTest, EveryTruncationIsCorruption) {
  std::vector<Sample> samples;
  samples.reserve(50);
  for (int i = 0; i < 50; ++i) samples.push_back({i * int64_t{1000} + (i % 3), i * 0.1});
  const std::vector<uint8_t> chunk = Encode(samples);
  for (size_t len = 0; len < chunk.size(); ++len) {
    SCOPED_TRACE(len);
    EXPECT_THAT(Decode(std::span(chunk).first(len)),
                StatusIs(StatusCode::kCorruption, HasSubstr("truncated")));
  }
}

TEST(XorChunkCorruptionTest, BitFlipsNeverCrashAndFailAsCorruption) {
  std::vector<Sample> samples;
  samples.reserve(60);
  for (int i = 0; i < 60; ++i) samples.push_back({i * int64_t{997}, std::sin(i)});
  const std::vector<uint8_t> chunk = Encode(samples);
  int corrupt = 0;
  for (size_t bit = 0; bit < chunk.size() * 8; ++bit) {
    std::vector<uint8_t> bad = chunk;
    bad[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
    StatusOr<std::vector<Sample>> got = Decode(bad);
    if (!got.ok()) {
      EXPECT_THAT(got, StatusIs(StatusCode::kCorruption, HasSubstr("XOR chunk")));
      ++corrupt;
    }
  }
  // Most flips desynchronise the stream; that a damaged chunk is caught at all is the point.
  EXPECT_GT(corrupt, 0);
}

TEST(XorChunkCorruptionTest, HeaderCountBeyondDataIsCorruption) {
  std::vector<uint8_t> chunk = Encode({{1, 1}, {2, 2}});
  chunk[1] = 200;
  EXPECT_THAT(Decode(chunk), StatusIs(StatusCode::kCorruption, HasSubstr("sample 2 of 200")));
}

TEST(XorChunkCorruptionTest, NonIncreasingTimestampsAreCorruption) {
  // Second sample with delta 0.
  std::vector<uint8_t> chunk = {0x00, 0x02, 0x02, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x00, 0x00};
  EXPECT_THAT(Decode(chunk), StatusIs(StatusCode::kCorruption, HasSubstr("not increasing")));
  // A delta that would overflow int64.
  BitWriter w;
  w.WriteBits(2, 16);
  w.WriteVarint(kInt64Max - 5);
  w.WriteBits(0, 64);
  w.WriteUvarint(10);
  w.WriteBit(false);
  EXPECT_THAT(Decode(w.bytes()),
              StatusIs(StatusCode::kCorruption, HasSubstr("sample 1 of 2: bad or truncated "
                                                          "timestamp (not increasing)")));
}

TEST(XorChunkCorruptionTest, ImpossibleXorWindowIsCorruption) {
  BitWriter w;
  w.WriteBits(2, 16);
  w.WriteVarint(1);
  w.WriteBits(0, 64);
  w.WriteUvarint(1);
  w.WriteBits(0b11, 2);
  w.WriteBits(31, 5);  // leading 31 ...
  w.WriteBits(40, 6);  // ... + 40 significant bits > 64
  w.WriteBits(0, 64);
  EXPECT_THAT(Decode(w.bytes()), StatusIs(StatusCode::kCorruption, HasSubstr("value window")));
}

TEST(XorChunkCorruptionTest, MissingHeaderIsCorruption) {
  const std::vector<uint8_t> one = {0x00};
  EXPECT_THAT(Decode(one), StatusIs(StatusCode::kCorruption, HasSubstr("header")));
  XorIterator it(one);
  EXPECT_FALSE(it.Seek(0));
  EXPECT_EQ(it.num_samples(), 0);
}

}  // namespace
}  // namespace gw::tsdb
